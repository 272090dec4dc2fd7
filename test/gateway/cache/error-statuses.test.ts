import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, backend, cacheGateway } from './harness.js';

// RFC 9111 §3: any final status may be stored when the origin gives it explicit freshness.
for (const status of [400, 500, 503, 599]) {
  test(`a ${status} with explicit freshness (max-age) is stored and served as a hit`, async (t) => {
    const origin = await backend(t, answer({ 'cache-control': 'max-age=600' }, 'error page', status));
    const gw = await cacheGateway(t, [origin], { ttl: 0 });
    const first = await gw.get('/err');
    assert.equal(first.status, status);
    const second = await gw.get('/err');
    assert.equal(second.status, status);
    assert.equal(second.headers['x-cache'], 'HIT');
    assert.equal(second.body, 'error page');
    assert.equal(origin.count('/err'), 1);
  });
}

test('an error status without explicit freshness is not stored, even with the ttl heuristic on', async (t) => {
  const origin = await backend(t, answer({}, 'oops', 500));
  const gw = await cacheGateway(t, [origin], { ttl: 180 });
  await gw.get('/err');
  assert.equal((await gw.get('/err')).headers['x-cache'], 'MISS');
  assert.equal(origin.count('/err'), 2);
});

test('must-understand with a status this cache does not implement (599) is not stored, however fresh', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=600, must-understand' }, 'x', 599));
  const gw = await cacheGateway(t, [origin], { ttl: 0 });
  await gw.get('/mu');
  await gw.get('/mu');
  assert.equal(origin.count('/mu'), 2);
});

test('must-understand does not lift no-store (SPEC §2: no-store is never stored)', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=600, no-store, must-understand' }, 'x'));
  const gw = await cacheGateway(t, [origin], { ttl: 0 });
  await gw.get('/mu200');
  await gw.get('/mu200');
  assert.equal(origin.count('/mu200'), 2);
});
