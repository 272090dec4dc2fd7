import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grpc, speechBackend, throughGateway } from './helpers.js';

test('gzip-compressed messages reach the backend with their grpc-encoding and decompress there', { timeout: 60_000 }, async (t) => {
  const backend = await speechBackend('tts@p0');
  // grpc.default_compression_algorithm 2 = gzip, for every message this client sends.
  const { client } = await throughGateway(t, [backend], {}, { 'grpc.default_compression_algorithm': 2 });

  const summary = await new Promise<{ chunks: number; bytes: number }>((resolve, reject) => {
    const call = client.UploadAudio((err: grpc.ServiceError | null, reply: { chunks: number; bytes: number }) => (err ? reject(err) : resolve(reply)));
    for (let i = 0; i < 20; i++) call.write({ audio: Buffer.alloc(100_000, i) });
    call.end();
  });
  // Compressed frames without their grpc-encoding header would fail to decode at the backend (grpc-js
  // keeps that header to itself, so the answer is the evidence).
  assert.equal(summary.bytes, 2_000_000);
});
