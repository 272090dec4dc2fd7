import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ask, originWithNode, type OriginWithNode } from './helpers.js';

let kv: OriginWithNode;
before(async () => {
  kv = await originWithNode({ cacheType: 'ttl', ttlSeconds: 30, lruCapacity: 100 });
});
after(() => kv.close());

test('a miss fetches from the origin, the next request is a hit; both name the node', async () => {
  const first = await ask(kv.node.port, 'GET article/1');
  assert.deepEqual(first, { status: 'OK', data: { title: 'Article1', author: 'John Doe' }, cache_hit: false, node: kv.node.port });
  const second = await ask(kv.node.port, 'GET article/1');
  assert.deepEqual(second, { status: 'OK', data: { title: 'Article1', author: 'John Doe' }, cache_hit: true, node: kv.node.port });
});

test('NOT_FOUND is not cached: a key created later is seen', async () => {
  const missing = await ask(kv.node.port, 'GET article/5');
  assert.deepEqual(missing, { status: 'NOT_FOUND', data: null, cache_hit: false, node: kv.node.port });
  assert.equal((await ask(kv.node.port, 'GET article/5')).cache_hit, false);
  writeFileSync(join(kv.scratch.data, 'article5.json'), JSON.stringify({ title: 'Article5', author: 'New' }));
  const found = await ask(kv.node.port, 'GET article/5');
  assert.equal(found.status, 'OK');
  assert.equal(found.cache_hit, false);
  assert.equal(found.data.title, 'Article5');
  assert.equal((await ask(kv.node.port, 'GET article/5')).cache_hit, true);
});

test('bad lines and other verbs are answered by the node without asking the origin', async () => {
  const before = (await ask(kv.node.port, 'METRICS')).data.origin_fetches;
  assert.equal((await ask(kv.node.port, 'GET ../secret')).status, 'BAD_REQUEST');
  assert.equal((await ask(kv.node.port, 'GET article1')).status, 'BAD_REQUEST');
  assert.equal((await ask(kv.node.port, 'PUT article/1')).status, 'WRONG_METHOD');
  assert.equal((await ask(kv.node.port, 'METRICS')).data.origin_fetches, before);
});

test('METRICS has the original keys', async () => {
  const answer = await ask(kv.node.port, 'METRICS');
  assert.equal(answer.status, 'OK');
  for (const key of ['start_time', 'total_requests', 'hit_rate', 'hits', 'misses', 'origin_fetches']) {
    assert.equal(typeof answer.data[key], 'number', key);
  }
  const d = answer.data;
  assert.ok(d.hits >= 2 && d.misses >= 4);
  assert.equal(d.hit_rate, d.hits / (d.hits + d.misses));
  assert.ok(d.start_time > 1.6e9 && d.start_time <= Date.now() / 1000);
  assert.ok(d.total_requests >= d.hits + d.misses);
});
