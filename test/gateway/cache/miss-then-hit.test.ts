import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, backend, cacheGateway } from './harness.js';

test('a cacheable GET is a MISS, then a HIT answered without touching a backend', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=60', 'content-type': 'text/plain', etag: '"v1"' }, 'hello'));
  const gw = await cacheGateway(t, [origin]);

  const first = await gw.get('/page');
  assert.equal(first.status, 200);
  assert.equal(first.body, 'hello');
  assert.equal(first.headers['x-cache'], 'MISS');

  const second = await gw.get('/page');
  assert.equal(second.status, 200);
  assert.equal(second.body, 'hello');
  assert.equal(second.headers['x-cache'], 'HIT');
  assert.equal(second.headers['content-type'], 'text/plain');
  assert.equal(second.headers.etag, '"v1"');
  assert.equal(second.headers['content-length'], '5');
  assert.equal(origin.count('/page'), 1);
});

test('the access log marks cache answers as the original proxy did', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=60' }, 'x'));
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/logged');
  await gw.get('/logged');
  assert.ok(gw.logs.some((line) => line.startsWith('[*] Request done. Cache response to => ')), gw.logs.join(''));
});

test('one entry serves whichever backend produced it', async (t) => {
  const a = await backend(t, answer({ 'cache-control': 'max-age=60' }, 'from a'));
  const b = await backend(t, answer({ 'cache-control': 'max-age=60' }, 'from b'));
  const gw = await cacheGateway(t, [a, b]);
  const bodies = new Set<string>();
  for (let i = 0; i < 6; i++) bodies.add((await gw.get('/shared')).body);
  assert.equal(bodies.size, 1);
  assert.equal(a.count() + b.count(), 1);
});

test('stats count hits, misses, entries and bytes', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=60' }, 'abc'));
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/s');
  await gw.get('/s');
  await gw.get('/s');
  const stats = (await gw.stats());
  assert.equal(stats.misses, 1);
  assert.equal(stats.hits, 2);
  assert.equal(stats.entries, 1);
  assert.ok(stats.bytes > 3);
  const status = JSON.parse((await gw.get('/-/status')).body);
  assert.equal(status.cache.hits, 2);
});
