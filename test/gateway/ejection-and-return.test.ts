import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { fetchText, gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';
import { waitFor } from '../helpers/wait.js';

test('max_fails failed probes eject a backend, one good probe brings it back; /-/status and metrics show it', async (t) => {
  let failing = false;
  const flaky = await httpServer((req, res) => {
    res.writeHead(failing && req.url === '/health' ? 503 : 200, { 'content-type': 'text/plain' });
    res.end('flaky');
  });
  const steady = await httpServer((_req, res) => res.end('steady'));
  const gw = await gateway(
    configFromIni(`${backendLines([flaky.port, steady.port])}\n[balancer]\nheartbeat_interval = 0.05\nhealth_path = /health\nmax_fails = 3\n[cache]\nenabled = false\n`),
  );
  t.after(async () => {
    await gw.close();
    await flaky.close();
    await steady.close();
  });
  const backend = gw.pool.all[0]!;
  await waitFor('first probe', () => backend.lastProbe !== null);
  assert.equal(backend.healthy, true);
  failing = true;
  await waitFor('ejection', () => !backend.healthy);
  assert.ok(backend.consecutiveFailures >= 3);
  const status = JSON.parse((await fetchText(`${gw.url}/-/status`)).body);
  assert.equal(status.backends[0].healthy, false);
  assert.equal(status.backends[1].healthy, true);
  for (let i = 0; i < 4; i++) assert.equal((await fetchText(`${gw.url}/x${i}`)).body, 'steady', 'an ejected backend gets no traffic');
  const metrics = (await fetchText(`${gw.url}/metrics`)).body;
  assert.match(metrics, /pibl_backend_up\{backend="server1"\} 0/);
  assert.match(metrics, /pibl_backend_state_changes_total\{backend="server1",state="down"\} 1/);
  failing = false;
  await waitFor('return', () => backend.healthy);
  assert.match((await fetchText(`${gw.url}/metrics`)).body, /pibl_backend_up\{backend="server1"\} 1/);
  assert.ok(gw.logs.some((l) => /server1 .* is down/.test(l)) && gw.logs.some((l) => /server1 .* is back up/.test(l)), 'state changes are logged');
});

test('passive failures on real traffic (connection refused) eject a backend without waiting for a probe', async (t) => {
  const live = await httpServer((_req, res) => res.end('live'));
  const dead = await httpServer(() => {});
  const deadPort = dead.port;
  await dead.close();
  const gw = await gateway(configFromIni(`${backendLines([deadPort, live.port])}\n[balancer]\nheartbeat_interval = 3600\nmax_fails = 2\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await live.close();
  });
  for (let i = 0; i < 6; i++) assert.equal((await fetchText(`${gw.url}/p${i}`)).body, 'live');
  assert.equal(gw.pool.all[0]!.healthy, false);
});
