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
