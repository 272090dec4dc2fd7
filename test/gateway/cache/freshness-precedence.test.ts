import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, backend, cacheGateway } from './harness.js';

// RFC 9111 §4.2.1: s-maxage (shared caches), then max-age, then Expires; configured ttl only without any of them.
const future = () => new Date(Date.now() + 3_600_000).toUTCString();
const past = () => new Date(Date.now() - 3_600_000).toUTCString();

async function twice(t: Parameters<typeof backend>[0], headers: () => Record<string, string>, options = { ttl: 180 }) {
  const origin = await backend(t, (req, res, n) => answer(headers(), `n=${n}`)(req, res, n));
  const gw = await cacheGateway(t, [origin], options);
  await gw.get('/f');
  const second = await gw.get('/f');
  return { second, backendRequests: origin.count('/f') };
}

test('s-maxage wins over max-age: s-maxage=0 with max-age=600 is stale for a shared cache', async (t) => {
  const { second, backendRequests } = await twice(t, () => ({ 'cache-control': 'max-age=600, s-maxage=0' }));
  assert.equal(backendRequests, 2);
  assert.equal(second.body, 'n=2');
});

test('s-maxage wins over max-age: s-maxage=600 with max-age=0 is fresh', async (t) => {
  const { second, backendRequests } = await twice(t, () => ({ 'cache-control': 'max-age=0, s-maxage=600' }));
  assert.equal(backendRequests, 1);
  assert.equal(second.headers['x-cache'], 'HIT');
});

test('max-age wins over Expires: max-age=0 with a future Expires is stale', async (t) => {
  const { backendRequests } = await twice(t, () => ({ 'cache-control': 'max-age=0', expires: future() }));
  assert.equal(backendRequests, 2);
});

test('max-age wins over Expires: max-age=600 with a past Expires is fresh', async (t) => {
  const { backendRequests } = await twice(t, () => ({ 'cache-control': 'max-age=600', expires: past() }));
  assert.equal(backendRequests, 1);
});

test('Expires in the future is fresh; in the past, or invalid, is stale (and not the ttl heuristic)', async (t) => {
  assert.equal((await twice(t, () => ({ expires: future(), date: new Date().toUTCString() }))).backendRequests, 1);
  assert.equal((await twice(t, () => ({ expires: past(), date: new Date().toUTCString() }))).backendRequests, 2);
  assert.equal((await twice(t, () => ({ expires: '0' }))).backendRequests, 2);
});

test('Cache-Control directive names are case-insensitive', async (t) => {
  const { backendRequests } = await twice(t, () => ({ 'cache-control': 'Max-Age=600' }), { ttl: 0 });
  assert.equal(backendRequests, 1);
});
