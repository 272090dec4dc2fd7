import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LineClient } from '../../src/common/line-client.js';
import type { Service } from '../../src/common/service.js';
import { startBalancer } from '../../src/kv/balancer.js';
import { startOrigin } from '../../src/kv/origin.js';
import { ask, HOST, makeDataDir, startCliServer, waitFor, type CliServer } from './helpers.js';

// Nodes are real `pibl node` processes, so "killed" is a SIGKILL.
const scratch = makeDataDir();
let origin: Service;
let lb: Service;
const children: CliServer[] = [];
let ports: number[];

const nodeArgs = (port: number) => ['node', '--port', String(port), '--origin_port', String(origin.port)];
const healthOf = async (port: number) => (await ask(lb.port, 'METRICS')).data.proxies[`${HOST}:${port}`].healthy as boolean;

before(async () => {
  origin = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data });
  for (let i = 0; i < 3; i++) children.push(await startCliServer(nodeArgs(0)));
  ports = children.map((c) => c.port);
  lb = await startBalancer({
    host: HOST, port: 0, proxies: ports.map((port) => ({ host: HOST, port })), strategy: 'round_robin', pollIntervalMs: 100,
  });
});
after(async () => {
  await lb.close();
  await Promise.all(children.map((c) => c.stop('SIGKILL')));
  await origin.close();
  scratch.cleanup();
});

test('a node killed under load costs clients no error; it is unhealthy within the threshold and healthy after a restart', async () => {
  const client = new LineClient({ host: HOST, port: lb.port, maxSockets: 4, timeoutMs: 10_000 });
  const statuses = new Map<string, number>();
  let stop = false;
  let sent = 0;
  const worker = async () => {
    // Bounded in count and time.
    const deadline = Date.now() + 15_000;
    while (!stop && sent < 20_000 && Date.now() < deadline) {
      sent++;
      let status: string;
      try {
        status = (JSON.parse(await client.request(`GET article/${1 + (sent % 4)}`)) as { status: string }).status;
      } catch (err) {
        status = `client error: ${(err as Error).message}`;
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  const load = Promise.all([worker(), worker(), worker(), worker()]);
  try {
    await waitFor(() => sent > 50);
    const victim = children[1]!;
    await victim.stop('SIGKILL');
    await waitFor(async () => (await healthOf(ports[1]!)) === false, { timeoutMs: 5_000 });
    const sentAtEjection = sent;
    await waitFor(() => sent > sentAtEjection + 50);

    children[1] = await startCliServer(nodeArgs(ports[1]!));
    await waitFor(async () => (await healthOf(ports[1]!)) === true, { timeoutMs: 5_000 });
    // The workers share the round robin, so a few asks may all land on the other nodes' turns: ask until it shows (bounded).
    let served = false;
    for (let i = 0; i < 60 && !served; i++) served = (await ask(lb.port, 'GET article/1')).node === ports[1];
    assert.ok(served, 'the restarted node gets traffic again');
  } finally {
    stop = true;
    await load;
    client.close();
  }
  assert.deepEqual([...statuses.keys()], ['OK'], JSON.stringify(Object.fromEntries(statuses)));
});
