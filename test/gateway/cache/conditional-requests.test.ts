import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, backend, cacheGateway } from './harness.js';

const lastModified = new Date(Date.now() - 86_400_000).toUTCString();

test("a client's If-None-Match that matches the stored ETag gets 304 from the cache", async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=600', etag: '"abc"', 'content-type': 'text/plain' }, 'body'));
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/c');
  const matched = await gw.get('/c', { 'if-none-match': 'W/"abc"' });
  assert.equal(matched.status, 304);
  assert.equal(matched.body, '');
  assert.equal(matched.headers.etag, '"abc"');
  assert.equal(matched.headers['x-cache'], 'HIT');
  const other = await gw.get('/c', { 'if-none-match': '"zzz"' });
  assert.equal(other.status, 200);
  assert.equal(other.body, 'body');
  assert.equal(origin.count('/c'), 1);
});

test("a client's If-Modified-Since at or after Last-Modified gets 304 from the cache", async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=600', 'last-modified': lastModified }, 'body'));
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/ims');
  assert.equal((await gw.get('/ims', { 'if-modified-since': new Date().toUTCString() })).status, 304);
  assert.equal((await gw.get('/ims', { 'if-modified-since': new Date(0).toUTCString() })).status, 200);
});
