import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { httpServer, type TestServer } from '../helpers/servers.js';
import { getOnce, until } from './helpers.js';

test('all backends down: a stale entry (max-age=1, stale-if-error=60) is served with X-Cache: STALE; anything else is 503', async (t) => {
  let version = 0;
  const make = () =>
    httpServer((req, res) => {
      req.resume();
      version++;
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=1, stale-if-error=60' });
      res.end(`page v${version}`);
    });
  const backends: TestServer[] = [await make(), await make()];
  const gw = await gateway(
    configFromIni(`${backendLines(backends.map((b) => b.port))}\n[balancer]\nheartbeat_interval = 0.1\nheartbeat_timeout = 0.5\nmax_fails = 1\n[cache]\nenabled = true\ngrace = 0\n`),
  );
  t.after(async () => {
    await gw.close();
    await Promise.all(backends.map((b) => b.kill()));
  });
  const first = await getOnce(`${gw.url}/page`);
  assert.equal(first.status, 200);
  assert.equal(first.headers['x-cache'], 'MISS');
  const body = first.body!.toString();
  assert.equal((await getOnce(`${gw.url}/page`)).headers['x-cache'], 'HIT');

  await Promise.all(backends.map((b) => b.kill()));
  assert.ok(await until(() => gw.pool.healthy().length === 0, 3_000), 'every backend ejected');
  await sleep(1_100); // past max-age=1

  const stale = await getOnce(`${gw.url}/page`);
  assert.equal(stale.status, 200);
  assert.equal(stale.headers['x-cache'], 'STALE');
  assert.equal(stale.body!.toString(), body, 'the stored answer, unchanged');

  const uncached = await getOnce(`${gw.url}/never-seen`);
  assert.equal(uncached.status, 503);
  assert.ok(Number(uncached.headers['retry-after']) >= 1);
  assert.equal(JSON.parse(uncached.body!.toString()).error.code, 'PIBL_ERR_NO_HEALTHY_BACKEND');
  assert.equal((await getOnce(`${gw.url}/-/health`)).status, 503);
});

test('every backend down with the cache off: 503, Retry-After, JSON; back to 200 when one returns', async (t) => {
  const backend = await httpServer((req, res) => {
    req.resume();
    res.end('back');
  });
  const port = backend.port;
  const gw = await gateway(configFromIni(`${backendLines([port])}\n[balancer]\nheartbeat_interval = 0.1\nmax_fails = 1\n[cache]\nenabled = false\n`));
  let revived: TestServer | null = null;
  t.after(async () => {
    await gw.close();
    await backend.kill();
    await revived?.kill();
  });
  await backend.kill();
  assert.ok(await until(() => gw.pool.healthy().length === 0, 3_000));
  const down = await getOnce(`${gw.url}/x`);
  assert.equal(down.status, 503);
  revived = await httpServer((req, res) => {
    req.resume();
    res.end('back');
  }, port);
  assert.ok(await until(() => gw.pool.healthy().length === 1, 3_000), 'a successful probe brings it back');
  const up = await getOnce(`${gw.url}/x`);
  assert.equal(up.status, 200);
  assert.equal(up.body!.toString(), 'back');
});
