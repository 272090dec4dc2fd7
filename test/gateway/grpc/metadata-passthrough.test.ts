import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, grpc, speechBackend, throughGateway } from './helpers.js';

test('request metadata reaches the backend; its response headers and trailers come back', { timeout: 60_000 }, async (t) => {
  const p0 = await speechBackend('tts@p0');
  const { client } = await throughGateway(t, [p0]);

  const metadata = new grpc.Metadata();
  metadata.set('x-echo', 'hello');
  metadata.set('x-request-id', 'req-42');
  metadata.add('x-multi', 'one');
  metadata.add('x-multi', 'two');
  metadata.set('x-token-bin', Buffer.from([9, 8, 7, 0, 255]));
  metadata.set('authorization', 'Bearer abc');
  const { value, headers, status, error } = await addUser(client, { name: 'eva' }, { metadata });
  assert.equal(error, null);
  assert.equal(value?.server, 'tts@p0');

  const seen = p0.metadata[0]!;
  assert.deepEqual(seen.get('x-echo'), ['hello']);
  assert.deepEqual(seen.get('x-request-id'), ['req-42']);
  assert.deepEqual(seen.get('x-multi').join(',').split(/,\s*/), ['one', 'two']);
  assert.deepEqual(seen.get('x-token-bin'), [Buffer.from([9, 8, 7, 0, 255])]);
  assert.deepEqual(seen.get('authorization'), ['Bearer abc']);
  assert.match(String(seen.get('user-agent')[0]), /grpc-node-js/, "the client's user-agent, not the gateway's");

  assert.deepEqual(headers?.get('x-echo-back'), ['hello'], 'response headers (initial metadata) pass through');
  assert.deepEqual(status.metadata.get('x-trailer'), ['done-by-tts@p0'], 'custom trailers pass through');
});
