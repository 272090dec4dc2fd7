import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { connect as tcpConnect } from 'node:net';
import { addUser, grpcGateway, speechBackend, speechClient, waitFor } from './helpers.js';

test('a request that is not gRPC gets 415, HTTP/1.1 on the h2c port is dropped, and gRPC goes on', { timeout: 60_000 }, async (t) => {
  const backend = await speechBackend('tts@p0');
  const gw = await grpcGateway([backend]);
  const client = speechClient(gw.port);
  const session = connect(`http://127.0.0.1:${gw.port}`);
  t.after(async () => {
    session.destroy();
    client.close();
    await gw.close();
    backend.kill();
  });
  await waitFor('first probe', () => gw.service.pool.all[0]!.lastProbe !== null);

  const req = session.request({ ':method': 'GET', ':path': '/' });
  req.end();
  const headers = await new Promise<Record<string, unknown>>((resolve) => req.on('response', resolve));
  req.resume();
  assert.equal(headers[':status'], 415);

  const reply = await new Promise<string>((resolve) => {
    const socket = tcpConnect(gw.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
  });
  assert.doesNotMatch(reply, /^HTTP\/1\.1 200/, 'no HTTP/1.1 answer from the h2c listener');

  assert.equal((await addUser(client, { name: 'still' })).value?.server, 'tts@p0');
  assert.equal(backend.calls.length, 1, 'neither request reached the backend');
});
