import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ask, originWithNode, type OriginWithNode } from './helpers.js';

let kv: OriginWithNode;
before(async () => {
  kv = await originWithNode({ cacheType: 'lru', ttlSeconds: 30, lruCapacity: 3 });
});
after(() => kv.close());

test('capacity 3, keys 1,2,3,1,4,2,1 -> M,M,M,H,M,M,H', async () => {
  const seen: string[] = [];
  for (const k of [1, 2, 3, 1, 4, 2, 1]) {
    const answer = await ask(kv.node.port, `GET article/${k}`);
    assert.equal(answer.status, 'OK');
    seen.push(answer.cache_hit ? 'H' : 'M');
  }
  assert.deepEqual(seen, ['M', 'M', 'M', 'H', 'M', 'M', 'H']);
  const metrics = (await ask(kv.node.port, 'METRICS')).data;
  assert.equal(metrics.hits, 2);
  assert.equal(metrics.misses, 5);
  assert.equal(metrics.origin_fetches, 5);
  assert.equal(metrics.cache_size, 3);
});
