import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import type { Service } from '../../src/common/service.js';
import { startBalancer } from '../../src/kv/balancer.js';
import { startNode } from '../../src/kv/node.js';
import { startOrigin } from '../../src/kv/origin.js';
import { ask, HOST, makeDataDir, waitFor } from './helpers.js';

// Node A sits in front of an origin that accepts and never answers (until
// released), so a request sent to A stays in flight while the others run.
const scratch = makeDataDir();
const services: Service[] = [];
const held = new Set<Socket>();
let stalled: Server;
let nodes: Service[];
let lb: Service;

before(async () => {
  stalled = createServer((s) => {
    held.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => stalled.listen(0, HOST, r));
  const stalledPort = (stalled.address() as { port: number }).port;
  const origin = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data });
  services.push(origin);
  const common = { host: HOST, port: 0, originHost: HOST, cacheType: 'ttl' as const, ttlSeconds: 30, lruCapacity: 10 };
  nodes = [
    await startNode({ ...common, originPort: stalledPort, originTimeoutMs: 20_000 }),
    await startNode({ ...common, originPort: origin.port }),
    await startNode({ ...common, originPort: origin.port }),
  ];
  services.push(...nodes);
  lb = await startBalancer({
    host: HOST, port: 0, proxies: nodes.map((n) => ({ host: HOST, port: n.port })), strategy: 'least_loaded', pollIntervalMs: 60_000,
  });
  services.push(lb);
});
after(async () => {
  for (const s of held) s.destroy();
  await new Promise<void>((r) => stalled.close(() => r()));
  for (const s of services.reverse()) await s.close();
  scratch.cleanup();
});

test('least_loaded avoids the node with a request in flight and shares the rest', async () => {
  const [a, b, c] = nodes.map((n) => n.port);
  const slow = ask(lb.port, 'GET article/1', 30_000);
  await waitFor(() => held.size > 0);

  const order: number[] = [];
  for (let i = 0; i < 6; i++) {
    const answer = await ask(lb.port, `GET article/${1 + (i % 4)}`);
    assert.equal(answer.status, 'OK');
    order.push(answer.node as number);
  }
  assert.ok(!order.includes(a!), `requests went to the busy node: ${order}`);
  // Shared between the idle two (exactly 3/3 unless the start-up poll lands mid-run).
  assert.ok(order.filter((p) => p === b).length >= 2, `${order}`);
  assert.ok(order.filter((p) => p === c).length >= 2, `${order}`);

  const metrics = await ask(lb.port, 'METRICS');
  assert.equal(metrics.data.strategy, 'least_loaded');
  assert.equal(metrics.data.proxies[`${HOST}:${a}`].in_flight, 1);

  for (const s of held) s.destroy();
  const answer = await slow;
  assert.equal(answer.status, 'ORIGIN_FAILURE');
  assert.equal(answer.node, a);
});
