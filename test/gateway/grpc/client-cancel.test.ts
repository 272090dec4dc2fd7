import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grpc, speechBackend, throughGateway, waitFor } from './helpers.js';

test('a client that cancels a stream cancels it at the backend too', { timeout: 60_000 }, async (t) => {
  const p0 = await speechBackend('tts@p0');
  const { gw, client } = await throughGateway(t, [p0]);

  const call = client.SynthesizeStream();
  const first = new Promise((resolve) => call.once('data', resolve));
  const error = new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
  call.write({ text: 'hola' });
  await first;
  call.cancel();
  assert.equal((await error).code, grpc.status.CANCELLED);
  await waitFor('the backend to see the cancel', () => p0.cancelled === 1);
  await waitFor('the call to be counted', async () =>
    /pibl_grpc_calls_total\{method="\/speech.Speech\/SynthesizeStream",code="CANCELLED"\} 1/.test(await gw.service.registry.metrics()),
  );
  assert.equal(gw.service.pool.all[0]!.inFlight, 0);
  assert.match(await gw.service.registry.metrics(), /pibl_grpc_calls_in_flight 0/);
});
