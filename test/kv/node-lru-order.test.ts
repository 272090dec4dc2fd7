import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Service } from '../../src/common/service.js';
import { startNode } from '../../src/kv/node.js';
import { startOrigin } from '../../src/kv/origin.js';
import { ask, HOST, makeDataDir } from './helpers.js';

const scratch = makeDataDir();
let origin: Service;
let node: Service;
before(async () => {
  origin = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data });
  node = await startNode({ host: HOST, port: 0, originHost: HOST, originPort: origin.port, cacheType: 'lru', ttlSeconds: 30, lruCapacity: 3 });
});
after(async () => {
  await node.close();
  await origin.close();
  scratch.cleanup();
});

test('capacity 3, keys 1,2,3,1,4,2,1 -> M,M,M,H,M,M,H', async () => {
  const seen: string[] = [];
  for (const k of [1, 2, 3, 1, 4, 2, 1]) {
    const answer = await ask(node.port, `GET article/${k}`);
    assert.equal(answer.status, 'OK');
    seen.push(answer.cache_hit ? 'H' : 'M');
  }
  assert.deepEqual(seen, ['M', 'M', 'M', 'H', 'M', 'M', 'H']);
  const metrics = (await ask(node.port, 'METRICS')).data;
  assert.equal(metrics.hits, 2);
  assert.equal(metrics.misses, 5);
  assert.equal(metrics.origin_fetches, 5);
  assert.equal(metrics.cache_size, 3);
});
