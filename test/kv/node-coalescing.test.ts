import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ask, originWithNode, type OriginWithNode } from './helpers.js';

let kv: OriginWithNode;
before(async () => {
  kv = await originWithNode({ cacheType: 'ttl', ttlSeconds: 30, lruCapacity: 10 });
});
after(() => kv.close());

test('concurrent misses for one key make one origin fetch', async () => {
  const answers = await Promise.all(Array.from({ length: 20 }, () => ask(kv.node.port, 'GET article/3')));
  for (const a of answers) assert.equal(a.data.title, 'Article3');
  const metrics = (await ask(kv.node.port, 'METRICS')).data;
  assert.equal(metrics.origin_fetches, 1);
  assert.equal(metrics.hits + metrics.misses, 20);
  assert.equal(metrics.total_requests, 20);
});
