import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import type { Service } from '../../src/common/service.js';
import { startBalancer } from '../../src/kv/balancer.js';
import { ask, HOST, waitFor } from './helpers.js';

/** A port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, HOST, r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

let lb: Service;
let dead: number[];
before(async () => {
  dead = [await deadPort(), await deadPort()];
  lb = await startBalancer({
    host: HOST, port: 0, proxies: dead.map((port) => ({ host: HOST, port })), strategy: 'round_robin', pollIntervalMs: 50,
  });
});
after(async () => {
  await lb.close();
});

test('every node down: PROXY_UNREACHABLE while they count as healthy, then NO_HEALTHY_PROXY', async () => {
  const first = await ask(lb.port, 'GET article/1');
  assert.ok(['PROXY_UNREACHABLE', 'NO_HEALTHY_PROXY'].includes(first.status), first.status);
  assert.equal(first.data, null);
  const metrics = await waitFor(async () => {
    const m = await ask(lb.port, 'METRICS');
    return Object.values(m.data.proxies as Record<string, any>).every((p) => p.healthy === false) ? m : undefined;
  });
  for (const port of dead) assert.deepEqual(
    { healthy: metrics.data.proxies[`${HOST}:${port}`].healthy, metrics: metrics.data.proxies[`${HOST}:${port}`].metrics },
    { healthy: false, metrics: null },
  );
  assert.equal((await ask(lb.port, 'GET article/1')).status, 'NO_HEALTHY_PROXY');
});
