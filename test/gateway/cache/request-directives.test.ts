import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway, sleep } from './harness.js';

const counting = (t: Parameters<typeof backend>[0], cc = 'max-age=600') =>
  backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { 'cache-control': cc, etag: '"d"' });
    res.end(`#${n}`);
  });

test('request no-cache: the stored answer is validated with the backend first', async (t) => {
  const origin = await counting(t);
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/d');
  const answer = await gw.get('/d', { 'cache-control': 'no-cache' });
  assert.equal(origin.count('/d'), 2);
  assert.equal(origin.seen[1]!.headers['if-none-match'], '"d"');
  assert.match(String(answer.headers['cache-status']), /fwd=request/);
});

test('request Pragma: no-cache counts when there is no Cache-Control', async (t) => {
  const origin = await counting(t);
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/p');
  await gw.get('/p', { pragma: 'no-cache' });
  assert.equal(origin.count('/p'), 2);
});

test('request max-age: an entry older than it is not used', async (t) => {
  const origin = await counting(t);
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/m');
  await sleep(1_100);
  assert.equal((await gw.get('/m', { 'cache-control': 'max-age=30' })).headers['x-cache'], 'HIT');
  await gw.get('/m', { 'cache-control': 'max-age=0' });
  assert.equal(origin.count('/m'), 2);
});

test('request min-fresh: an entry that will not stay fresh long enough is not used', async (t) => {
  const origin = await counting(t, 'max-age=10');
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/mf');
  assert.equal((await gw.get('/mf', { 'cache-control': 'min-fresh=5' })).headers['x-cache'], 'HIT');
  await gw.get('/mf', { 'cache-control': 'min-fresh=60' });
  assert.equal(origin.count('/mf'), 2);
});

test('request max-stale: a stale entry is acceptable to this client', async (t) => {
  const origin = await counting(t, 'max-age=1');
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/ms');
  await sleep(1_100);
  const answer = await gw.get('/ms', { 'cache-control': 'max-stale=60' });
  assert.equal(answer.headers['x-cache'], 'STALE');
  assert.equal(answer.body, '#1');
  assert.equal(origin.count('/ms'), 1);
});

test('request only-if-cached: 504 when nothing is stored, the entry when it is', async (t) => {
  const origin = await counting(t);
  const gw = await cacheGateway(t, [origin]);
  const cold = await gw.get('/oic', { 'cache-control': 'only-if-cached' });
  assert.equal(cold.status, 504);
  assert.equal(origin.count('/oic'), 0);
  await gw.get('/oic');
  assert.equal((await gw.get('/oic', { 'cache-control': 'only-if-cached' })).headers['x-cache'], 'HIT');
});

test('request only-if-cached: a stale entry that would need the origin is a 504 too', async (t) => {
  const origin = await counting(t, 'max-age=1');
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/oic-stale');
  await sleep(1_100);
  assert.equal((await gw.get('/oic-stale', { 'cache-control': 'only-if-cached' })).status, 504);
  assert.equal((await gw.get('/oic-stale', { 'cache-control': 'only-if-cached, max-stale=60' })).status, 200);
  assert.equal(origin.count('/oic-stale'), 1);
});
