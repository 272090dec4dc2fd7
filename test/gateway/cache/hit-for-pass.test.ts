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
