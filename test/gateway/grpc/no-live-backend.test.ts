import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, grpc, grpcGateway, speechBackend, speechClient, waitFor } from './helpers.js';

/** A port that was just listened on and is closed now: connecting to it is refused. */
async function deadPort(): Promise<number> {
  const b = await speechBackend('gone');
  b.kill();
  return b.port;
}

test('every server down: the call ends UNAVAILABLE with a message naming the pool', { timeout: 60_000 }, async (t) => {
  const backends = await Promise.all(['tts@container1', 'tts@container2', 'tts@container3'].map((name) => speechBackend(name)));
  const gw = await grpcGateway(backends, { heartbeatS: 0.1, maxFails: 1 });
  const client = speechClient(gw.port);
  t.after(async () => {
    client.close();
    await gw.close();
  });
  assert.equal((await addUser(client, { name: 'x' })).value?.server, 'tts@container1');
  for (const b of backends) b.kill();
  await waitFor('all ejected', () => gw.service.pool.healthy().length === 0);

  const { error } = await addUser(client, { name: 'x' });
  assert.equal(error?.code, grpc.status.UNAVAILABLE);
  assert.equal(error?.details, 'no healthy backend in pool [tts@container1, tts@container2, tts@container3]');

  const stream = client.SynthesizeStream();
  const streamError = await new Promise<grpc.ServiceError>((resolve) => {
    stream.on('error', resolve);
    stream.on('data', () => {});
    stream.write({ text: 'hola' });
  });
  assert.equal(streamError.code, grpc.status.UNAVAILABLE);
  assert.match(streamError.details, /no healthy backend in pool/);
  assert.match(await gw.service.registry.metrics(), /pibl_grpc_calls_total\{method="\/speech.Speech\/AddUser",code="UNAVAILABLE"\} 1/);
});

test('a server that refuses the connection before the first probe notices: the call is retried on the next one', { timeout: 60_000 }, async (t) => {
  const live = await speechBackend('tts@p1');
  const gw = await grpcGateway([{ name: 'tts@p0', port: await deadPort() }, live], { heartbeatS: 3600, maxFails: 5 });
  const client = speechClient(gw.port);
  t.after(async () => {
    client.close();
    await gw.close();
    live.kill();
  });
  await waitFor('first probe', () => gw.service.pool.all[0]!.lastProbe !== null);
  assert.equal(gw.service.pool.all[0]!.healthy, true, 'one failed probe of five: still in the pool');
  const failuresBefore = gw.service.pool.all[0]!.failures;

  for (let i = 0; i < 3; i++) assert.equal((await addUser(client, { name: `r${i}` })).value?.server, 'tts@p1');
  assert.equal(gw.service.pool.all[0]!.failures - failuresBefore, 3, 'each refused connect is a passive health failure');
});

test('retries spent: UNAVAILABLE naming what each server said', { timeout: 60_000 }, async (t) => {
  const gw = await grpcGateway(
    [
      { name: 'tts@p0', port: await deadPort() },
      { name: 'tts@p1', port: await deadPort() },
    ],
    { heartbeatS: 3600, maxFails: 100, retries: 1 },
  );
  const client = speechClient(gw.port);
  t.after(async () => {
    client.close();
    await gw.close();
  });
  const { error } = await addUser(client, { name: 'x' });
  assert.equal(error?.code, grpc.status.UNAVAILABLE);
  assert.equal(error?.details, 'no backend could take the call (tts@p0: ECONNREFUSED; tts@p1: ECONNREFUSED) in pool [tts@p0, tts@p1]');
});
