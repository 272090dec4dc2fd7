import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway, sleep } from './harness.js';

test('a stale entry with an ETag is revalidated with If-None-Match; 304 refreshes it and updates stored headers', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    if (req.headers['if-none-match'] === '"r1"') {
      res.writeHead(304, { etag: '"r1"', 'cache-control': 'max-age=600', 'x-version': `updated-${n}` });
      res.end();
      return;
    }
    res.writeHead(200, { etag: '"r1"', 'cache-control': 'max-age=1', 'x-version': 'original', 'content-type': 'text/plain' });
    res.end('same body');
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/r');
  await sleep(1_100);
  const revalidated = await gw.get('/r');
  assert.equal(revalidated.status, 200);
  assert.equal(revalidated.body, 'same body');
  assert.equal(revalidated.headers['x-version'], 'updated-2');
  assert.equal(revalidated.headers['content-type'], 'text/plain');
  assert.equal(origin.seen[1]!.headers['if-none-match'], '"r1"');

  // The 304's max-age=600 now governs: fresh without another backend request.
  const hit = await gw.get('/r');
  assert.equal(hit.headers['x-cache'], 'HIT');
  assert.equal(hit.headers['x-version'], 'updated-2');
  assert.equal(origin.count('/r'), 2);
});

test('a stale entry with only Last-Modified is revalidated with If-Modified-Since', async (t) => {
  const lastModified = new Date(Date.now() - 3_600_000).toUTCString();
  const origin = await backend(t, (req, res) => {
    req.resume();
    if (req.headers['if-modified-since'] === lastModified) {
      res.writeHead(304, { 'cache-control': 'max-age=600' });
      res.end();
      return;
    }
    res.writeHead(200, { 'last-modified': lastModified, 'cache-control': 'max-age=1' });
    res.end('lm body');
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/lm');
  await sleep(1_100);
  const second = await gw.get('/lm');
  assert.equal(second.body, 'lm body');
  assert.equal(origin.seen[1]!.headers['if-modified-since'], lastModified);
  assert.equal((await gw.get('/lm')).headers['x-cache'], 'HIT');
});

test('a changed resource (200 to the conditional request) replaces the entry', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { etag: `"v${n}"`, 'cache-control': 'max-age=1' });
    res.end(`version ${n}`);
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/changed');
  await sleep(1_100);
  const second = await gw.get('/changed');
  assert.equal(second.body, 'version 2');
  assert.equal(second.headers['x-cache'], 'MISS');
  const third = await gw.get('/changed');
  assert.equal(third.body, 'version 2');
  assert.equal(third.headers['x-cache'], 'HIT');
});

test("the client's own validators are not sent on the cache's revalidation", async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    if (req.headers['if-none-match'] === '"mine"') {
      res.writeHead(304, { etag: '"mine"', 'cache-control': 'max-age=60' });
      res.end();
      return;
    }
    res.writeHead(200, { etag: '"mine"', 'cache-control': 'max-age=1' });
    res.end('x');
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/cv');
  await sleep(1_100);
  const answer = await gw.get('/cv', { 'if-none-match': '"other", "tags"' });
  assert.equal(answer.status, 200);
  assert.equal(origin.seen[1]!.headers['if-none-match'], '"mine"');
});

test('a 304 adds fields the stored answer did not have, such as a first Cache-Control', async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    if (req.headers['if-none-match'] === '"n"') {
      res.writeHead(304, { etag: '"n"', 'cache-control': 'max-age=600', 'x-new': 'added' });
      res.end();
      return;
    }
    res.writeHead(200, { etag: '"n"', expires: new Date(Date.now() + 1_000).toUTCString(), date: new Date().toUTCString() });
    res.end('n body');
  });
  const gw = await cacheGateway(t, [origin], { ttl: 0 });
  await gw.get('/new-fields');
  await sleep(1_600);
  const revalidated = await gw.get('/new-fields');
  assert.equal(revalidated.headers['x-new'], 'added');
  assert.equal(revalidated.headers['cache-control'], 'max-age=600');
  const hit = await gw.get('/new-fields');
  assert.equal(hit.headers['x-cache'], 'HIT', 'the max-age from the 304 now governs');
  assert.equal(origin.count('/new-fields'), 2);
});

test('a 304 that carries no validator answers the conditional request built from the entry: it refreshes it, no second request', async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304, { 'cache-control': 'max-age=600' });
      res.end();
      return;
    }
    res.writeHead(200, { etag: '"v1"', 'cache-control': 'max-age=1, must-revalidate', 'content-type': 'text/plain' });
    res.end('body v1');
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/bare-304');
  await sleep(1_100);
  const revalidated = await gw.get('/bare-304');
  assert.equal(revalidated.status, 200);
  assert.equal(revalidated.body, 'body v1');
  assert.equal(revalidated.headers['etag'], '"v1"');
  assert.equal(origin.count('/bare-304'), 2, 'the conditional request only, no unconditional one after it');
  assert.equal((await gw.get('/bare-304')).headers['x-cache'], 'HIT');
});

test('a 304 naming another strong ETag is not about the entry: the cache asks again unconditionally', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    if (req.headers['if-none-match'] !== undefined) {
      res.writeHead(304, { etag: '"other"', 'cache-control': 'max-age=600' });
      res.end();
      return;
    }
    res.writeHead(200, { etag: `"v${n}"`, 'cache-control': 'max-age=1', 'content-type': 'text/plain' });
    res.end(`body ${n}`);
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/other-304');
  await sleep(1_100);
  const answer2 = await gw.get('/other-304');
  assert.equal(answer2.body, 'body 3');
  assert.equal(origin.count('/other-304'), 3);
  assert.equal(origin.seen[2]!.headers['if-none-match'], undefined);
});
