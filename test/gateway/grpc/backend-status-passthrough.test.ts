import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, grpc, speechBackend, throughGateway } from './helpers.js';
import { waitFor } from '../../helpers/wait.js';

test("a backend's own error status, message and custom trailers reach the client unchanged", { timeout: 60_000 }, async (t) => {
  const p0 = await speechBackend('tts@p0', {
    handlers: {
      AddUser(call, callback) {
        const trailers = new grpc.Metadata();
        trailers.set('x-reason', 'no-such-user');
        trailers.set('x-detail-bin', Buffer.from([0, 1, 2, 255]));
        callback({ code: grpc.status.NOT_FOUND, details: `user ${call.request.name} not found: ñandú 100%`, metadata: trailers });
      },
      SynthesizeStream(call) {
        let n = 0;
        call.on('data', () => {
          if (++n <= 2) call.write({ audio: Buffer.from(`chunk${n}`), server: 'tts@p0' });
          else {
            const trailers = new grpc.Metadata();
            trailers.set('x-quota', 'spent');
            call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: 'quota spent', metadata: trailers });
          }
        });
        call.on('error', () => {});
      },
    },
  });
  const p1 = await speechBackend('tts@p1');
  const { gw, client } = await throughGateway(t, [p0, p1]);

  // Trailers-Only: the error comes before any message.
  const { error } = await addUser(client, { name: 'ana' });
  assert.ok(error);
  assert.equal(error.code, grpc.status.NOT_FOUND);
  assert.equal(error.details, 'user ana not found: ñandú 100%');
  assert.deepEqual(error.metadata.get('x-reason'), ['no-such-user']);
  assert.deepEqual(error.metadata.get('x-detail-bin'), [Buffer.from([0, 1, 2, 255])]);
  // The access line carries the gRPC status: the HTTP status is 200 whatever the call's outcome.
  await waitFor('the access line', () => gw.logs.some((l) => l.includes(`<= 127.0.0.1:${p0.port} grpc-status=${grpc.status.NOT_FOUND}`)));

  // An error after messages: the data already sent, then the backend's trailers.
  const call = client.SynthesizeStream();
  const audio: string[] = [];
  const ended = new Promise<grpc.ServiceError>((resolve) => {
    call.on('data', (c: { audio: Buffer }) => audio.push(c.audio.toString()));
    call.on('error', resolve);
  });
  for (const text of ['a', 'b', 'c']) call.write({ text });
  const streamError = await ended;
  assert.deepEqual(audio, ['chunk1', 'chunk2']);
  assert.equal(streamError.code, grpc.status.RESOURCE_EXHAUSTED);
  assert.equal(streamError.details, 'quota spent');
  assert.deepEqual(streamError.metadata.get('x-quota'), ['spent']);

  assert.equal(p1.calls.length, 0, 'an error status is an answer: nothing is retried elsewhere');
  assert.equal(gw.service.pool.all[0]!.healthy, true, 'and it is not a health failure');
  const metrics = await gw.service.registry.metrics();
  assert.match(metrics, /pibl_grpc_calls_total\{method="\/speech.Speech\/AddUser",code="NOT_FOUND"\} 1/);
  assert.match(metrics, /pibl_grpc_calls_total\{method="\/speech.Speech\/SynthesizeStream",code="RESOURCE_EXHAUSTED"\} 1/);
});
