import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import type { Service } from '../../src/common/service.js';
import { startBalancer } from '../../src/kv/balancer.js';
import { startNode } from '../../src/kv/node.js';
import { startOrigin } from '../../src/kv/origin.js';
import { ask, HOST, makeDataDir, waitFor } from './helpers.js';

// The original balancer marked a node that "returns bad data" unhealthy; here
// such an answer is a failure, the request goes to another node, and the
// client never sees the garbage.
const scratch = makeDataDir();
const services: Service[] = [];
const sockets = new Set<Socket>();
let garbage: Server;
let garbagePort: number;
let node: Service;
let lb: Service;
before(async () => {
  garbage = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('data', () => s.writable && s.write('<html>not a kv node</html>\n'));
  });
  await new Promise<void>((r) => garbage.listen(0, HOST, r));
  garbagePort = (garbage.address() as { port: number }).port;
  const origin = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data });
  node = await startNode({ host: HOST, port: 0, originHost: HOST, originPort: origin.port, cacheType: 'ttl', ttlSeconds: 30, lruCapacity: 10 });
  lb = await startBalancer({
    host: HOST, port: 0, proxies: [{ host: HOST, port: garbagePort }, { host: HOST, port: node.port }], strategy: 'round_robin', pollIntervalMs: 100,
  });
  services.push(lb, node, origin);
});
after(async () => {
  for (const s of services) await s.close();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => garbage.close(() => r()));
  scratch.cleanup();
});

test('a node answering garbage is skipped, retried elsewhere, and marked unhealthy', async () => {
  for (let i = 0; i < 6; i++) {
    const answer = await ask(lb.port, `GET article/${1 + (i % 4)}`);
    assert.equal(answer.status, 'OK');
    assert.equal(answer.node, node.port);
  }
  await waitFor(async () => (await ask(lb.port, 'METRICS')).data.proxies[`${HOST}:${garbagePort}`].healthy === false);
  assert.equal((await ask(lb.port, 'METRICS')).data.proxies[`${HOST}:${node.port}`].healthy, true);
});
