import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, grpc, grpcGateway, speechBackend, speechClient, waitFor } from './helpers.js';

test('closing the gateway lets calls in flight finish and takes no new ones', { timeout: 60_000 }, async (t) => {
  const backend = await speechBackend('tts@p0');
  const gw = await grpcGateway([backend]);
  const client = speechClient(gw.port);
  t.after(() => {
    client.close();
    backend.kill();
  });
  await waitFor('first probe', () => gw.service.pool.all[0]!.lastProbe !== null);

  const inFlight = addUser(client, { name: 'late', delay_ms: 300 });
  await waitFor('the call to reach the backend', () => backend.calls.length === 1);
  const closed = gw.close();
  const answer = await inFlight;
  assert.equal(answer.error, null);
  assert.equal(answer.value?.server, 'tts@p0');
  await closed;

  const after = await addUser(client, { name: 'after' });
  assert.equal(after.error?.code, grpc.status.UNAVAILABLE, 'the listener is gone');
  assert.equal(backend.calls.length, 1);
});
