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
  node = await startNode({ host: HOST, port: 0, originHost: HOST, originPort: origin.port, cacheType: 'ttl', ttlSeconds: 30, lruCapacity: 10 });
});
after(async () => {
  await node.close();
  await origin.close();
  scratch.cleanup();
});

test('concurrent misses for one key make one origin fetch', async () => {
  const answers = await Promise.all(Array.from({ length: 20 }, () => ask(node.port, 'GET article/3')));
  for (const a of answers) assert.equal(a.data.title, 'Article3');
  const metrics = (await ask(node.port, 'METRICS')).data;
  assert.equal(metrics.origin_fetches, 1);
  assert.equal(metrics.hits + metrics.misses, 20);
  assert.equal(metrics.total_requests, 20);
});
