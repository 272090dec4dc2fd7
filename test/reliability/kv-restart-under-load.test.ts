import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineClient } from '../../src/common/line-client.js';
import type { Service } from '../../src/common/service.js';
import { startBalancer } from '../../src/kv/balancer.js';
import { startNode } from '../../src/kv/node.js';
import { startOrigin } from '../../src/kv/origin.js';
import { ask, HOST, makeDataDir, waitFor } from '../kv/helpers.js';

const WORKERS = 4;

test('a kv node and then the kv origin stopped and restarted under load: errors bounded by the requests in flight, cluster healthy again', async (t) => {
  const scratch = makeDataDir();
  let origin: Service = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data });
  const originPort = origin.port;
  const nodeOptions = (port: number) => ({ host: HOST, port, originHost: HOST, originPort, cacheType: 'ttl' as const, ttlSeconds: 30, lruCapacity: 100 });
  const nodes: Service[] = [];
  for (let i = 0; i < 3; i++) nodes.push(await startNode(nodeOptions(0)));
  const nodePorts = nodes.map((n) => n.port);
  const lb = await startBalancer({ host: HOST, port: 0, proxies: nodePorts.map((port) => ({ host: HOST, port })), strategy: 'round_robin', pollIntervalMs: 100 });
  const client = new LineClient({ host: HOST, port: lb.port, maxSockets: WORKERS, timeoutMs: 10_000 });
  t.after(async () => {
    client.close();
    await lb.close();
    await Promise.all(nodes.map((n) => n.close()));
    await origin.close();
    scratch.cleanup();
  });

  const tally = { node: new Map<string, number>(), origin: new Map<string, number>() };
  let phase: 'node' | 'origin' = 'node';
  let stop = false;
  let sent = 0;
  const worker = async () => {
    const deadline = Date.now() + 20_000;
    while (!stop && sent < 50_000 && Date.now() < deadline) {
      sent++;
      let status: string;
      try {
        status = (JSON.parse(await client.request(`GET article/${1 + (sent % 4)}`)) as { status: string }).status;
      } catch (err) {
        status = `client error (${(err as Error).message})`;
      }
      const m = tally[phase];
      m.set(status, (m.get(status) ?? 0) + 1);
    }
  };
  const healthOf = async (port: number) => (await ask(lb.port, 'METRICS')).data.proxies[`${HOST}:${port}`].healthy as boolean;
  const load = Promise.all(Array.from({ length: WORKERS }, worker));
  try {
    await waitFor(() => sent > 100);
    // A node goes away and comes back on its port.
    await nodes[1]!.close();
    await waitFor(async () => (await healthOf(nodePorts[1]!)) === false, { timeoutMs: 5_000 });
    let mark = sent;
    await waitFor(() => sent > mark + 100);
    nodes[1] = await startNode(nodeOptions(nodePorts[1]!));
    await waitFor(async () => (await healthOf(nodePorts[1]!)) === true, { timeoutMs: 5_000 });
    mark = sent;
    await waitFor(() => sent > mark + 100);

    // The origin goes away: cached keys keep being served; it comes back.
    phase = 'origin';
    await origin.close();
    mark = sent;
    await waitFor(() => sent > mark + 200);
    const whileDown = await ask(lb.port, 'GET article/404');
    assert.equal(whileDown.status, 'ORIGIN_FAILURE', 'an uncached key says so while the origin is down');
    origin = await startOrigin({ host: HOST, port: originPort, dataDir: scratch.data });
    mark = sent;
    await waitFor(() => sent > mark + 100);
  } finally {
    stop = true;
    await load;
  }
  await sleep(200);
  writeFileSync(join(scratch.data, 'article5.json'), JSON.stringify({ title: 'new after the restart', author: 'pibl' }));
  const fresh = await ask(lb.port, 'GET article/5');
  assert.equal(fresh.status, 'OK', 'the restarted origin is reachable through the cluster');
  const metrics = await ask(lb.port, 'METRICS');
  for (const port of nodePorts) assert.equal(metrics.data.proxies[`${HOST}:${port}`].healthy, true, `node ${port} healthy`);

  const bad = (m: Map<string, number>) => [...m].filter(([s]) => s !== 'OK').reduce((n, [, c]) => n + c, 0);
  t.diagnostic(`kv restart under load: sent ${sent}; node phase ${JSON.stringify(Object.fromEntries(tally.node))}; origin phase ${JSON.stringify(Object.fromEntries(tally.origin))}`);
  assert.ok(bad(tally.node) <= WORKERS, `node stop: failed answers ${bad(tally.node)} <= requests in flight (${WORKERS})`);
  assert.equal(bad(tally.origin), 0, 'origin stop: every cached key still served');
});
