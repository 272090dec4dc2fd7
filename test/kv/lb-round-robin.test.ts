import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ask, HOST, makeDataDir, startCluster, waitFor, type Cluster } from './helpers.js';

const scratch = makeDataDir();
let cluster: Cluster;
before(async () => {
  cluster = await startCluster(scratch.data, { nodes: 3, lb: { strategy: 'round_robin', pollIntervalMs: 100 } });
});
after(async () => {
  await cluster.close();
  scratch.cleanup();
});

test('round robin sends requests to A, B, C, A', async () => {
  const order: number[] = [];
  for (let i = 0; i < 4; i++) {
    const answer = await ask(cluster.lb.port, 'GET article/1');
    assert.equal(answer.status, 'OK');
    order.push(answer.node as number);
  }
  const [a, b, c] = cluster.nodes.map((n) => n.port);
  assert.deepEqual(order, [a, b, c, a]);
});

test('the node answer passes through, cache_hit included', async () => {
  // Requests 5 and 6 go to B and C, which have article/1 cached from the first round.
  const answer = await ask(cluster.lb.port, 'GET article/1');
  assert.equal(answer.cache_hit, true);
  assert.equal((await ask(cluster.lb.port, 'GET article/3')).cache_hit, false);
  assert.equal((await ask(cluster.lb.port, 'GET nope/1')).status, 'NOT_FOUND');
  assert.equal((await ask(cluster.lb.port, 'GET article1')).status, 'BAD_REQUEST');
  assert.equal((await ask(cluster.lb.port, 'DELETE article/1')).status, 'WRONG_METHOD');
});

test('METRICS has the original shape, with each node polled', async () => {
  const answer = await waitFor(async () => {
    const a = await ask(cluster.lb.port, 'METRICS');
    return Object.values(a.data.proxies as Record<string, any>).every((p) => p.metrics) ? a : undefined;
  });
  assert.equal(answer.status, 'OK');
  assert.equal(answer.data.strategy, 'round_robin');
  assert.equal(typeof answer.data.current_index, 'number');
  assert.ok(answer.data.current_index >= 0 && answer.data.current_index < 3);
  assert.deepEqual(Object.keys(answer.data.proxies), cluster.nodes.map((n) => `${HOST}:${n.port}`));
  for (const proxy of Object.values(answer.data.proxies as Record<string, any>)) {
    assert.equal(proxy.healthy, true);
    for (const key of ['start_time', 'total_requests', 'hit_rate', 'hits', 'misses', 'origin_fetches']) {
      assert.equal(typeof proxy.metrics[key], 'number', key);
    }
  }
});
