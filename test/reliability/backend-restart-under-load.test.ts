import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { namedBackend, type TestServer } from '../helpers/servers.js';
import { getOnce, jsonOf, load, metricValue, until } from './helpers.js';

test('a backend killed and restarted under autocannon GET load: 0 failed requests, ejection and return in /-/status and /metrics', async (t) => {
  const backends: TestServer[] = await Promise.all(['a', 'b', 'c'].map((n) => namedBackend(n)));
  const gw = await gateway(
    configFromIni(`${backendLines(backends.map((b) => b.port))}\n[balancer]\nheartbeat_interval = 0.2\nheartbeat_timeout = 0.5\nmax_fails = 1\n[cache]\nenabled = false\n`),
  );
  t.after(async () => {
    await gw.close();
    await Promise.all(backends.map((b) => b.kill()));
  });
  const victim = gw.pool.all.find((b) => b.port === backends[1]!.port)!;
  const victimPort = backends[1]!.port;
  const states: boolean[] = [];

  const running = load(gw.url, { connections: 10, durationS: 3, path: '/load' });
  const faults = (async () => {
    await sleep(800);
    await backends[1]!.kill();
    const down = await until(async () => (await jsonOf(`${gw.url}/-/status`)).backends.find((b: any) => b.name === victim.name).healthy === false, 2_000);
    states.push(!down);
    await sleep(300);
    backends[1] = await namedBackend('b', victimPort);
    const up = await until(async () => (await jsonOf(`${gw.url}/-/status`)).backends.find((b: any) => b.name === victim.name).healthy === true, 2_000);
    states.push(up);
  })();
  const [result] = await Promise.all([running, faults]);
  t.diagnostic(`backend restart under load: sent ${result.sent}, completed ${result.completed}, non2xx ${result.non2xx}, errors ${result.errors}, p99 ${result.p99Ms} ms`);

  assert.ok(result.completed > 100, `load ran (${result.completed} answers)`);
  assert.equal(result.non2xx, 0, 'no non-2xx answer');
  assert.equal(result.errors, 0, 'no client error');
  assert.deepEqual(states, [false, true], '/-/status showed the backend ejected, then back');

  const metrics = (await getOnce(`${gw.url}/metrics`)).body!.toString('utf8');
  assert.ok((metricValue(metrics, 'pibl_backend_state_changes_total', { backend: victim.name, state: 'down' }) ?? 0) >= 1, 'down flip counted');
  assert.ok((metricValue(metrics, 'pibl_backend_state_changes_total', { backend: victim.name, state: 'up' }) ?? 0) >= 1, 'up flip counted');
  assert.equal(metricValue(metrics, 'pibl_backend_up', { backend: victim.name }), 1, 'healthy again at the end');
  assert.ok(backends[1]!.hits > 0, 'the restarted backend gets traffic again');
});
