import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway, sleep } from './harness.js';

test('grace: with every backend down, a stale entry without stale-if-error is served within [cache] grace', async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=1' });
    res.end('graceful');
  });
  const gw = await cacheGateway(t, [origin], { cacheIni: 'grace = 300' });
  await gw.get('/g');
  await origin.kill();
  await sleep(1_100);
  for (let i = 0; i < 2; i++) {
    const answer = await gw.get('/g');
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'graceful');
    assert.equal(answer.headers['x-cache'], 'STALE');
    assert.equal(answer.headers['cache-status'], 'pibl; fwd=stale; detail=grace');
  }
});

test('grace does not cover a 5xx from a live backend, nor grace = 0', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(n === 1 ? 200 : 500, { 'cache-control': 'max-age=1' });
    res.end(n === 1 ? 'ok' : 'err');
  });
  const gw = await cacheGateway(t, [origin], { cacheIni: 'grace = 300' });
  await gw.get('/g5');
  await sleep(1_100);
  assert.equal((await gw.get('/g5')).status, 500);

  const down = await backend(t, (req, res) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=1' });
    res.end('ok');
  });
  const gw0 = await cacheGateway(t, [down], { cacheIni: 'grace = 0' });
  await gw0.get('/g0');
  await down.kill();
  await sleep(1_100);
  const answer = await gw0.get('/g0');
  assert.ok(answer.status === 502 || answer.status === 503, `status ${answer.status}`);
});

test('grace never serves what must be revalidated (must-revalidate, proxy-revalidate, no-cache, s-maxage)', async (t) => {
  for (const cc of ['max-age=1, must-revalidate', 'max-age=1, proxy-revalidate', 'no-cache', 's-maxage=1']) {
    const origin = await backend(t, (req, res) => {
      req.resume();
      res.writeHead(200, { 'cache-control': cc, etag: '"x"' });
      res.end('strict');
    });
    const gw = await cacheGateway(t, [origin], { cacheIni: 'grace = 300' });
    await gw.get('/mr');
    await origin.kill();
    await sleep(1_100);
    const answer = await gw.get('/mr');
    assert.ok(answer.status >= 500, `${cc}: status ${answer.status}`);
  }
});
