import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, grpc, speechBackend, throughGateway } from './helpers.js';

test('every kind of call goes to the priority 0 server, and is counted and logged', { timeout: 60_000 }, async (t) => {
  const backends = await Promise.all(['tts@p0', 'tts@p1', 'tts@p2'].map((name) => speechBackend(name)));
  const { gw, client } = await throughGateway(t, backends);

  for (let i = 0; i < 5; i++) {
    const { value, error } = await addUser(client, { name: `u${i}` });
    assert.equal(error, null);
    assert.deepEqual(value, { id: `tts@p0:u${i}`, server: 'tts@p0' });
  }

  // Bidirectional: text in, audio chunks out, interleaved.
  const synth = client.SynthesizeStream();
  const audio: string[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    synth.on('data', (chunk: { audio: Buffer; server: string }) => audio.push(chunk.audio.toString()));
    synth.on('end', resolve);
    synth.on('error', reject);
  });
  for (const text of ['hola', 'mundo', 'adios']) synth.write({ text });
  synth.end();
  await ended;
  assert.deepEqual(audio, ['tts@p0:hola', 'tts@p0:mundo', 'tts@p0:adios']);

  // Server streaming.
  const chunks: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const call = client.StreamAudio({ chunks: 20, chunk_bytes: 1000 });
    call.on('data', (c: { audio: Buffer; server: string }) => {
      assert.equal(c.server, 'tts@p0');
      chunks.push(c.audio.length);
    });
    call.on('end', resolve);
    call.on('error', reject);
  });
  assert.equal(chunks.length, 20);
  assert.ok(chunks.every((n) => n === 1000));

  // Client streaming.
  const summary = await new Promise<{ chunks: number; bytes: number; server: string }>((resolve, reject) => {
    const call = client.UploadAudio((err: grpc.ServiceError | null, reply: any) => (err ? reject(err) : resolve(reply)));
    for (let i = 0; i < 10; i++) call.write({ audio: Buffer.alloc(500 + i) });
    call.end();
  });
  assert.deepEqual(summary, { chunks: 10, bytes: 10 * 500 + 45, server: 'tts@p0' });

  assert.equal(backends[0]!.calls.length, 8);
  assert.equal(backends[1]!.calls.length + backends[2]!.calls.length, 0, 'lower priorities get nothing while p0 lives');

  const metrics = await gw.service.registry.metrics();
  assert.match(metrics, /pibl_grpc_calls_total\{method="\/speech.Speech\/AddUser",code="OK"\} 5/);
  assert.match(metrics, /pibl_grpc_calls_total\{method="\/speech.Speech\/SynthesizeStream",code="OK"\} 1/);
  assert.match(metrics, /pibl_grpc_call_duration_seconds_count\{method="\/speech.Speech\/UploadAudio"\} 1/);
  const port0 = backends[0]!.port;
  assert.equal(gw.logs.filter((l) => l.includes(`<= 127.0.0.1:${port0}`)).length, 8, 'one access line per call, naming the backend');
});
