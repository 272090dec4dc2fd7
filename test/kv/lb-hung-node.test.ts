import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import type { Service } from '../../src/common/service.js';
import { startBalancer } from '../../src/kv/balancer.js';
import { startNode } from '../../src/kv/node.js';
import { startOrigin } from '../../src/kv/origin.js';
import { ask, HOST, makeDataDir, waitFor } from './helpers.js';

// A node that accepts connections and never answers: worse than a dead one,
// since nothing is refused. Timeouts must turn it into failures.
const scratch = makeDataDir();
const services: Service[] = [];
const held = new Set<Socket>();
let hung: Server;
let hungPort: number;
let node: Service;
let lb: Service;
before(async () => {
  hung = createServer((s) => {
    held.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => hung.listen(0, HOST, r));
  hungPort = (hung.address() as { port: number }).port;
  const origin = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data });
  node = await startNode({ host: HOST, port: 0, originHost: HOST, originPort: origin.port, cacheType: 'ttl', ttlSeconds: 30, lruCapacity: 10 });
  lb = await startBalancer({
    host: HOST, port: 0, proxies: [{ host: HOST, port: hungPort }, { host: HOST, port: node.port }],
    strategy: 'round_robin', pollIntervalMs: 100, requestTimeoutMs: 1_000,
  });
  services.push(lb, node, origin);
});
after(async () => {
  for (const s of services) await s.close();
  for (const s of held) s.destroy();
  await new Promise<void>((r) => hung.close(() => r()));
  scratch.cleanup();
});

test('a node that never answers is timed out, retried elsewhere and ejected', async () => {
  for (let i = 0; i < 6; i++) {
    const answer = await ask(lb.port, `GET article/${1 + (i % 4)}`);
    assert.equal(answer.status, 'OK');
    assert.equal(answer.node, node.port);
  }
  const metrics = await waitFor(async () => {
    const m = await ask(lb.port, 'METRICS');
    return m.data.proxies[`${HOST}:${hungPort}`].healthy === false ? m : undefined;
  });
  assert.equal(metrics.data.proxies[`${HOST}:${hungPort}`].metrics, null);
});
