import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, backend, cacheGateway } from './harness.js';

test('HEAD is answered from a stored GET answer, headers only', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=600', 'content-type': 'text/plain', etag: '"h"' }, 'twelve bytes'));
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/doc');
  const head = await gw.send('HEAD', '/doc');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers['x-cache'], 'HIT');
  assert.equal(head.headers['content-length'], '12');
  assert.equal(head.headers.etag, '"h"');
  assert.equal(origin.count('/doc'), 1);
});

test('a HEAD miss goes to the backend as HEAD and stores nothing', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=600' }, 'body'));
  const gw = await cacheGateway(t, [origin]);
  const head = await gw.send('HEAD', '/cold');
  assert.equal(head.headers['x-cache'], 'MISS');
  assert.equal(origin.seen[0]!.method, 'HEAD');
  assert.equal((await gw.get('/cold')).headers['x-cache'], 'MISS');
});

test('HEAD on a stale entry revalidates it (with a conditional GET) and still answers without a body', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304, { etag: '"v1"', 'cache-control': 'max-age=600' });
      res.end();
      return;
    }
    res.writeHead(200, { etag: `"v${n}"`, 'cache-control': 'max-age=1', 'content-type': 'text/plain' });
    res.end('body of v1');
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/stale-head');
  await new Promise((r) => setTimeout(r, 1_100));
  const head = await gw.send('HEAD', '/stale-head');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers['content-length'], '10');
  assert.equal(origin.seen[1]!.method, 'GET');
  assert.equal(origin.seen[1]!.headers['if-none-match'], '"v1"');
  assert.equal((await gw.get('/stale-head')).headers['x-cache'], 'HIT');
});
