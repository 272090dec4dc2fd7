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

test('with the origin down, cached keys are served and others are ORIGIN_FAILURE', async () => {
  assert.equal((await ask(node.port, 'GET article/1')).cache_hit, false);
  await origin.close();

  const cached = await ask(node.port, 'GET article/1');
  assert.deepEqual(cached, { status: 'OK', data: { title: 'Article1', author: 'John Doe' }, cache_hit: true, node: node.port });

  const uncached = await ask(node.port, 'GET article/2');
  assert.equal(uncached.status, 'ORIGIN_FAILURE');
  assert.equal(uncached.data, null);
  assert.equal(uncached.cache_hit, false);
  assert.equal(uncached.node, node.port);

  // Failures are not cached either: the origin coming back is seen at once.
  origin = await startOrigin({ host: HOST, port: origin.port, dataDir: scratch.data });
  const back = await ask(node.port, 'GET article/2');
  assert.equal(back.status, 'OK');
  assert.equal(back.cache_hit, false);
  assert.ok((await ask(node.port, 'METRICS')).data.origin_failures >= 1);
});
