import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startOrigin } from '../../src/kv/origin.js';
import { ask, HOST, originWithNode, type OriginWithNode } from './helpers.js';

let kv: OriginWithNode;
before(async () => {
  kv = await originWithNode({ cacheType: 'ttl', ttlSeconds: 30, lruCapacity: 10 });
});
after(() => kv.close());

test('with the origin down, cached keys are served and others are ORIGIN_FAILURE', async () => {
  assert.equal((await ask(kv.node.port, 'GET article/1')).cache_hit, false);
  await kv.origin.close();

  const cached = await ask(kv.node.port, 'GET article/1');
  assert.deepEqual(cached, { status: 'OK', data: { title: 'Article1', author: 'John Doe' }, cache_hit: true, node: kv.node.port });

  const uncached = await ask(kv.node.port, 'GET article/2');
  assert.equal(uncached.status, 'ORIGIN_FAILURE');
  assert.equal(uncached.data, null);
  assert.equal(uncached.cache_hit, false);
  assert.equal(uncached.node, kv.node.port);

  // Failures are not cached either: the origin coming back is seen at once.
  kv.origin = await startOrigin({ host: HOST, port: kv.origin.port, dataDir: kv.scratch.data });
  const back = await ask(kv.node.port, 'GET article/2');
  assert.equal(back.status, 'OK');
  assert.equal(back.cache_hit, false);
  assert.ok((await ask(kv.node.port, 'METRICS')).data.origin_failures >= 1);
});
