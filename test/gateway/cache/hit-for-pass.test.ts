import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, backend, cacheGateway } from './harness.js';

test('a URL whose answer cannot be stored passes straight through afterwards (hit-for-pass), marked MISS, never stored', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'no-store' }, (n) => `#${n}`));
  const gw = await cacheGateway(t, [origin]);
  const first = await gw.get('/private-page');
  assert.equal(first.headers['x-cache'], 'MISS');
  assert.doesNotMatch(String(first.headers['cache-status']), /hit-for-pass/);
  for (let i = 2; i <= 4; i++) {
    const next = await gw.get('/private-page');
    assert.equal(next.body, `#${i}`, 'every answer comes from the backend');
    assert.equal(next.headers['x-cache'], 'MISS');
    assert.match(String(next.headers['cache-status']), /^pibl; fwd=uri-miss; detail=hit-for-pass$/);
  }
  assert.equal(origin.count('/private-page'), 4);
});

test('on a hit-for-pass answer a Cache-Status from a cache behind the gateway is kept, ours last', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'no-store', 'cache-status': 'origin-cache; fwd=uri-miss' }, 'x'));
  const gw = await cacheGateway(t, [origin]);
  assert.equal((await gw.get('/chained')).headers['cache-status'], 'origin-cache; fwd=uri-miss, pibl; fwd=uri-miss');
  const passed = await gw.get('/chained');
  assert.equal(passed.headers['cache-status'], 'origin-cache; fwd=uri-miss, pibl; fwd=uri-miss; detail=hit-for-pass');
  assert.equal(passed.headers['x-cache'], 'MISS');
});

test('with ttl = 0 an answer with no freshness and no validator stays on hit-for-pass (it never alternates with the full path)', async (t) => {
  const origin = await backend(t, answer({ 'content-type': 'text/plain' }, (n) => `#${n}`));
  const gw = await cacheGateway(t, [origin], { ttl: 0 });
  assert.doesNotMatch(String((await gw.get('/plain')).headers['cache-status']), /hit-for-pass/);
  for (let i = 2; i <= 5; i++) {
    const next = await gw.get('/plain');
    assert.equal(next.body, `#${i}`);
    assert.match(String(next.headers['cache-status']), /detail=hit-for-pass$/, `request ${i}`);
  }
});

test('a URL on hit-for-pass whose answer becomes storable (it gains max-age) is stored on the next request', async (t) => {
  let cacheable = false;
  const origin = await backend(t, (req, res, n) => answer(cacheable ? { 'cache-control': 'max-age=600' } : {}, `#${n}`)(req, res, n));
  const gw = await cacheGateway(t, [origin], { ttl: 0 });
  await gw.get('/later');
  assert.match(String((await gw.get('/later')).headers['cache-status']), /hit-for-pass/);
  cacheable = true;
  await gw.get('/later');
  const stored = await gw.get('/later');
  assert.match(String(stored.headers['cache-status']), /stored/);
  const hit = await gw.get('/later');
  assert.equal(hit.headers['x-cache'], 'HIT');
  assert.equal(hit.body, '#4');
});

test('answers the policy refuses stay on hit-for-pass however they look: a 403 with only an ETag, a 200 with an ETag to a request with Authorization', async (t) => {
  const forbidden = await backend(t, answer({ etag: '"f"' }, (n) => `#${n}`, 403));
  const gw = await cacheGateway(t, [forbidden], { ttl: 0 });
  await gw.get('/forbidden');
  for (let i = 2; i <= 4; i++) assert.match(String((await gw.get('/forbidden')).headers['cache-status']), /detail=hit-for-pass$/, `403, request ${i}`);

  const api = await backend(t, answer({ etag: '"a"', 'content-type': 'application/json' }, (n) => `{"n":${n}}`));
  const gw2 = await cacheGateway(t, [api], { ttl: 0 });
  const auth = { authorization: 'Bearer t' };
  await gw2.get('/api', auth);
  for (let i = 2; i <= 4; i++) assert.match(String((await gw2.get('/api', auth)).headers['cache-status']), /detail=hit-for-pass$/, `Authorization, request ${i}`);
});
