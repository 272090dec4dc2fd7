import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, grpcGateway, speechBackend, speechClient, waitFor } from './helpers.js';

test('a client that stops reading holds back only its own call; others to the same backend go on', { timeout: 60_000 }, async (t) => {
  const backend = await speechBackend('tts@p0');
  const gw = await grpcGateway([backend]);
  const slow = speechClient(gw.port);
  // A second channel: its own connection to the gateway, sharing the gateway's one session to the backend.
  const other = speechClient(gw.port, { 'grpc.use_local_subchannel_pool': 1 });
  t.after(async () => {
    slow.close();
    other.close();
    await gw.close();
    backend.kill();
  });
  await waitFor('first probe', () => gw.service.pool.all[0]!.lastProbe !== null);

  const stalled = slow.StreamAudio({ chunks: 400, chunk_bytes: 64 * 1024 });
  let received = 0;
  stalled.on('data', (c: { audio: Buffer }) => (received += c.audio.length));
  stalled.on('error', () => {});
  await waitFor('the first chunk', () => received > 0);
  stalled.pause();
  let last = -1;
  await waitFor('the backend to stall', async () => {
    const still = backend.written === last;
    last = backend.written;
    await new Promise((r) => setTimeout(r, 200));
    return still && backend.written === last;
  });
  assert.ok(backend.written < 400 * 64 * 1024, 'the stalled stream is held back');

  for (let i = 0; i < 5; i++) assert.equal((await addUser(other, { name: `o${i}` })).value?.server, 'tts@p0');
  for (let i = 0; i < 5; i++) assert.equal((await addUser(slow, { name: `s${i}` })).value?.server, 'tts@p0', 'even on the stalled client connection');
  const chunks = await new Promise<number>((resolve, reject) => {
    let n = 0;
    const call = other.StreamAudio({ chunks: 100, chunk_bytes: 64 * 1024 });
    call.on('data', () => n++);
    call.on('end', () => resolve(n));
    call.on('error', reject);
  });
  assert.equal(chunks, 100, 'a whole stream passes beside the stalled one');
  stalled.cancel();
});
