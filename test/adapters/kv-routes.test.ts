import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, errorCode, startAdapterStack, type AdapterStack } from './harness.js';

let stack: AdapterStack;
before(async () => {
  stack = await startAdapterStack({ herd: 'standalone' });
});
after(() => stack.close());

const get = (path: string) => call(stack.gateway.port, 'GET', path);

test('GET /kv/<resource>/<key> answers the kv JSON from the cluster, then from a node cache', async () => {
  const first = await get('/kv/article/1');
  assert.equal(first.status, 200, first.text);
  assert.match(String(first.headers['content-type']), /application\/json/);
  assert.equal(first.json.status, 'OK');
  assert.equal(typeof first.json.data.title, 'string');
  assert.equal(typeof first.json.node, 'number');
  // Round robin over three nodes: within four requests one node answers from its cache.
  const again = [];
  for (let i = 0; i < 4; i++) again.push((await get('/kv/article/1')).json);
  assert.ok(again.some((a) => a.cache_hit === true), JSON.stringify(again));
  assert.ok(again.every((a) => a.data.title === first.json.data.title));
});

test('a key the origin does not have is 404 JSON', async () => {
  const answer = await get('/kv/article/99');
  assert.equal(answer.status, 404);
  assert.equal(errorCode(answer), 'PIBL_ERR_NOT_FOUND');
  assert.match(answer.json.error.message, /article\/99/);
});

test('invalid names and traversal attempts are 400 JSON and never reach a file outside the data folder', async () => {
  const attempts = [
    '/kv/..%2F..%2Fetc/passwd',
    '/kv/article/..',
    '/kv/../secret',
    '/kv/%2e%2e/secret',
    '/kv/article/1%0AMETRICS',
    '/kv/article/1%20x',
    '/kv/a%00b/1',
    '/kv/article',
    '/kv/article/1/2',
    '/kv/',
    '/kv/art%2Ficle/1',
    '/kv/./..',
  ];
  for (const path of attempts) {
    const answer = await get(path);
    assert.equal(answer.status, 400, `${path}: ${answer.status} ${answer.text}`);
    assert.equal(errorCode(answer), 'PIBL_ERR_BAD_REQUEST', path);
    assert.doesNotMatch(answer.text, /must never be served/);
  }
});

test('a malformed percent-escape is a 400 JSON answer too', async () => {
  const answer = await get('/kv/%zz/1');
  assert.equal(answer.status, 400);
  assert.equal(typeof answer.json, 'object');
});

test('GET /kv/-/metrics answers the balancer METRICS with every node', async () => {
  const answer = await get('/kv/-/metrics');
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.json.status, 'OK');
  assert.equal(answer.json.data.strategy, 'round_robin');
  const nodes = Object.keys(answer.json.data.proxies);
  assert.deepEqual(nodes.sort(), stack.cluster.nodes.map((n) => `127.0.0.1:${n.port}`).sort());
  assert.equal(answer.headers['cache-control'], 'no-store');
});

test('wrong methods are 405 JSON with Allow', async () => {
  for (const [method, path] of [
    ['POST', '/kv/article/1'],
    ['DELETE', '/kv/article/1'],
    ['PUT', '/kv/-/metrics'],
    ['PATCH', '/kv/a/b'],
  ] as const) {
    const answer = await call(stack.gateway.port, method, path, { type: 'application/xml', data: '<a/>' });
    assert.equal(answer.status, 405, `${method} ${path}: ${answer.text}`);
    assert.equal(errorCode(answer), 'PIBL_ERR_METHOD_NOT_ALLOWED');
    assert.equal(answer.headers.allow, 'GET, HEAD');
  }
});

test('HEAD works like GET without a body', async () => {
  const answer = await call(stack.gateway.port, 'HEAD', '/kv/article/2');
  assert.equal(answer.status, 200);
  assert.equal(answer.text, '');
});

test('bad input harms nothing else: the cluster still answers', async () => {
  await Promise.all(['/kv/..%2F..', '/kv/a/b/c', '/kv/%zz'].map((p) => get(p)));
  assert.equal((await get('/kv/article/3')).status, 200);
});
