import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { grpc, speechBackend, throughGateway, waitFor } from './helpers.js';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const TOTAL = 50 * MiB;

test('a 50 MB client stream to a backend that stops reading stalls the client, then passes whole', { timeout: 120_000 }, async (t) => {
  let resumeBackend = () => {};
  const backend = await speechBackend('tts@p0', {
    handlers: {
      UploadAudio(call, callback) {
        let chunks = 0;
        let bytes = 0;
        call.on('data', (c: { audio: Buffer }) => {
          chunks++;
          bytes += c.audio.length;
          if (chunks === 1) {
            // A busy backend: it reads nothing more until told.
            call.pause();
            resumeBackend = () => call.resume();
          }
        });
        call.on('end', () => callback(null, { chunks, bytes, server: 'tts@p0' }));
        call.on('error', () => {});
      },
    },
  });
  const { client } = await throughGateway(t, [backend], {}, { 'grpc.max_send_message_length': 4 * MiB });

  let summary: { chunks: number; bytes: number } | null = null;
  let failure: grpc.ServiceError | null = null;
  const call = client.UploadAudio((err: grpc.ServiceError | null, reply: { chunks: number; bytes: number }) => {
    failure = err;
    summary = reply;
  });
  const status = once(call, 'status');
  let written = 0;
  const chunk = Buffer.alloc(CHUNK, 3);
  const writer = (async () => {
    while (written < TOTAL) {
      written += CHUNK;
      // Writes only while grpc-js accepts, as a client honouring backpressure does.
      if (!call.write({ audio: chunk })) await once(call, 'drain');
    }
    call.end();
  })();

  let last = -1;
  await waitFor('the client to stall', async () => {
    const stalled = written === last;
    last = written;
    await new Promise((r) => setTimeout(r, 200));
    return stalled && written === last;
  }, 20_000);
  assert.ok(written < TOTAL / 4, `the client is held back: it wrote ${(written / MiB).toFixed(1)} MiB of 50`);
  t.diagnostic(`client wrote ${(written / MiB).toFixed(1)} MiB before stalling`);

  resumeBackend();
  await writer;
  await status;
  assert.equal(failure, null);
  assert.deepEqual(summary, { chunks: TOTAL / CHUNK, bytes: TOTAL, server: 'tts@p0' });
});
