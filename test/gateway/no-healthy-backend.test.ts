import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { fetchText, gateway } from '../helpers/gateway.js';
import { freePort } from '../helpers/servers.js';

test('all backends down: 503 with Retry-After and a JSON body; /-/health says 503 too', async (t) => {
  const ports = [await freePort(), await freePort()];
  const gw = await gateway(configFromIni(`${backendLines(ports)}\n[balancer]\nheartbeat_interval = 0.05\nmax_fails = 1\n[cache]\nenabled = false\n`));
  t.after(() => gw.close());
  const deadline = Date.now() + 5_000;
  while (gw.pool.healthy().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  const res = await fetchText(`${gw.url}/anything`);
  assert.equal(res.status, 503);
  assert.ok(Number(res.headers['retry-after']) >= 1);
  assert.equal(JSON.parse(res.body).error.code, 'PIBL_ERR_NO_HEALTHY_BACKEND');
  const health = await fetchText(`${gw.url}/-/health`);
  assert.equal(health.status, 503);
  assert.equal(JSON.parse(health.body).healthy, 0);
});

test('a backend that refuses every connection while still marked healthy: 502 after the retries', async (t) => {
  const port = await freePort();
  const gw = await gateway(configFromIni(`${backendLines([port])}\n[balancer]\nheartbeat_interval = 3600\nmax_fails = 100\n[cache]\nenabled = false\n`));
  t.after(() => gw.close());
  const res = await fetchText(`${gw.url}/x`);
  assert.equal(res.status, 502);
  assert.equal(JSON.parse(res.body).error.code, 'PIBL_ERR_BAD_GATEWAY');
});
