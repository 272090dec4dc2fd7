import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, grpcGateway, speechBackend, speechClient, waitFor, type SpeechBackend } from './helpers.js';

const WORKERS = 4;

test('killing priority 0 moves calls to priority 1, costing at most the calls in flight; restarted, it gets them back', { timeout: 60_000 }, async (t) => {
  const backends: SpeechBackend[] = await Promise.all(['tts@p0', 'tts@p1', 'tts@p2'].map((name) => speechBackend(name)));
  const p0Port = backends[0]!.port;
  const gw = await grpcGateway(backends, { heartbeatS: 0.1, maxFails: 2 });
  const client = speechClient(gw.port);
  let stop = false;
  t.after(async () => {
    stop = true;
    client.close();
    await gw.close();
    for (const b of backends) b.kill();
  });
  await waitFor('first probes', () => gw.service.pool.all.every((b) => b.lastProbe !== null));

  const answers: { server: string | null; code: number; phase: string }[] = [];
  let phase = 'before';
  const worker = async (w: number) => {
    for (let i = 0; !stop && i < 100_000; i++) {
      const { value, status } = await addUser(client, { name: `w${w}-${i}` });
      answers.push({ server: value?.server ?? null, code: status.code, phase });
    }
  };
  const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
  const count = (p: string, server: string | null) => answers.filter((a) => a.phase === p && a.server === server).length;

  await waitFor('calls on p0', () => count('before', 'tts@p0') >= 50);
  phase = 'killed';
  backends[0]!.kill();
  await waitFor('calls on p1', () => count('killed', 'tts@p1') >= 50);
  await waitFor('p0 ejected', () => !gw.service.pool.all[0]!.healthy);

  backends[0] = await speechBackend('tts@p0', { port: p0Port });
  phase = 'restarted';
  await waitFor('p0 back in the pool', () => gw.service.pool.all[0]!.healthy);
  await waitFor('calls on p0 again', () => count('restarted', 'tts@p0') >= 20);
  phase = 'back';
  await waitFor('more calls', () => answers.filter((a) => a.phase === 'back').length >= 40);
  stop = true;
  await Promise.all(workers);

  assert.ok(answers.filter((a) => a.phase === 'before').every((a) => a.server === 'tts@p0'), 'before: everything on p0');
  const failed = answers.filter((a) => a.code !== 0);
  assert.ok(failed.length <= WORKERS, `at most the ${WORKERS} calls in flight fail, ${failed.length} did: ${JSON.stringify(failed)}`);
  assert.ok(failed.every((a) => a.code === 14), `a call cut by the crash ends UNAVAILABLE: ${JSON.stringify(failed)}`);
  assert.equal(count('killed', 'tts@p2'), 0, 'p2 is never used while p1 lives');
  // A call started just before the flip may still have gone to p1; everything after it goes to p0.
  assert.ok(answers.filter((a) => a.phase === 'back').every((a) => a.server === 'tts@p0'), 'given back to p0');
  assert.ok(gw.logs.some((l) => /tts@p0 .* is down/.test(l)) && gw.logs.some((l) => /tts@p0 .* is back up/.test(l)));
  assert.match(await gw.service.registry.metrics(), /pibl_grpc_calls_in_flight 0/, 'every call, cut or not, is accounted for');
});
