import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, backend, cacheGateway } from './harness.js';

test('Cache-Status (RFC 9211) says why: fwd=uri-miss; stored, then hit; BYPASS for methods and ranges', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=60' }, '0123456789'));
  const gw = await cacheGateway(t, [origin]);
  const miss = await gw.get('/cs');
  assert.equal(miss.headers['cache-status'], 'pibl; fwd=uri-miss; stored');
  assert.equal(miss.headers['x-cache'], 'MISS');
  const hit = await gw.get('/cs');
  assert.equal(hit.headers['cache-status'], 'pibl; hit');
  const range = await gw.get('/cs-range', { range: 'bytes=0-3' });
  assert.equal(range.headers['x-cache'], 'BYPASS');
  assert.equal(range.headers['cache-status'], 'pibl; fwd=bypass');
  const put = await gw.send('PUT', '/other', { body: 'x' });
  assert.equal(put.headers['cache-status'], 'pibl; fwd=method');
});

test('a not storable answer says fwd=uri-miss without stored', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'no-store' }, 'x'));
  const gw = await cacheGateway(t, [origin]);
  assert.equal((await gw.get('/ns')).headers['cache-status'], 'pibl; fwd=uri-miss');
});

test('a Cache-Status from a cache behind the gateway is kept, ours last (closest to the client, RFC 9211 §2)', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=60', 'cache-status': 'origin-cache; hit' }, 'x'));
  const gw = await cacheGateway(t, [origin]);
  assert.equal((await gw.get('/chain')).headers['cache-status'], 'origin-cache; hit, pibl; fwd=uri-miss; stored');
  assert.equal((await gw.get('/chain')).headers['cache-status'], 'origin-cache; hit, pibl; hit');
});
