import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grpc, speechBackend, throughGateway, waitFor } from './helpers.js';

test('a stream cut by its backend dying ends UNAVAILABLE after the chunks already sent; the next stream goes to priority 1', { timeout: 60_000 }, async (t) => {
  const p0 = await speechBackend('tts@p0');
  const p1 = await speechBackend('tts@p1');
  const { client } = await throughGateway(t, [p0, p1], { heartbeatS: 0.1 });

  const call = client.SynthesizeStream();
  const audio: string[] = [];
  const failed = new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
  call.on('data', (c: { audio: Buffer }) => audio.push(c.audio.toString()));
  call.write({ text: 'uno' });
  call.write({ text: 'dos' });
  await waitFor('two chunks', () => audio.length === 2);
  p0.kill();
  const error = await failed;
  assert.deepEqual(audio, ['tts@p0:uno', 'tts@p0:dos'], 'what was sent before the crash arrived');
  assert.equal(error.code, grpc.status.UNAVAILABLE);
  assert.equal(error.details, 'connection to backend tts@p0 lost');

  const next = client.SynthesizeStream();
  const out: string[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    next.on('data', (c: { audio: Buffer }) => out.push(c.audio.toString()));
    next.on('end', resolve);
    next.on('error', reject);
  });
  next.write({ text: 'tres' });
  next.end();
  await ended;
  assert.deepEqual(out, ['tts@p1:tres']);
});
