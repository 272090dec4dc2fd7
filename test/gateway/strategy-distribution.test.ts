import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backendLines, configFromIni, tempDir } from '../helpers/config.js';
import { fetchText, gateway } from '../helpers/gateway.js';
import { namedBackend, type TestServer } from '../helpers/servers.js';

async function countBackends(url: string, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const res = await fetchText(`${url}/item?i=${i}`);
    assert.equal(res.status, 200);
    counts[res.body] = (counts[res.body] ?? 0) + 1;
  }
  return counts;
}

const cacheOff = '\n[cache]\nenabled = false\n';

test('round_robin spreads 30 requests 10/10/10', async (t) => {
  const backends = await Promise.all(['a', 'b', 'c'].map((n) => namedBackend(n)));
  const gw = await gateway(configFromIni(`${backendLines(backends.map((b) => b.port))}\n[balancer]\nstrategy = round_robin${cacheOff}`));
  t.after(async () => {
    await gw.close();
    await Promise.all(backends.map((b) => b.close()));
  });
  assert.deepEqual(await countBackends(gw.url, 30), { a: 10, b: 10, c: 10 });
});

test('weighted with loads .5/.3/.2 gives 50/30/20 of 100 requests, evenly spread', async (t) => {
  const backends = await Promise.all(['a', 'b', 'c'].map((n) => namedBackend(n)));
  const { dir, remove } = tempDir();
  const servers = { servers: backends.map((b, i) => ({ priority: i, name: ['a', 'b', 'c'][i], address: '127.0.0.1', port: b.port, load: [0.5, 0.3, 0.2][i] })) };
  writeFileSync(join(dir, 'servers.json'), JSON.stringify(servers));
  const gw = await gateway(configFromIni(`[balancer]\nstrategy = weighted${cacheOff}`, { PROXY_SERVER_CONFIG: join(dir, 'servers.json') }));
  t.after(async () => {
    await gw.close();
    await Promise.all(backends.map((b) => b.close()));
    remove();
  });
  const seq: string[] = [];
  for (let i = 0; i < 100; i++) seq.push((await fetchText(`${gw.url}/w?i=${i}`)).body);
  const counts = Object.fromEntries(['a', 'b', 'c'].map((n) => [n, seq.filter((s) => s === n).length]));
  assert.ok(Math.abs(counts.a! - 50) <= 2 && Math.abs(counts.b! - 30) <= 2 && Math.abs(counts.c! - 20) <= 2, JSON.stringify(counts));
  // Smooth: never more than two of the heaviest in a row, as nginx's weights.
  assert.ok(!seq.join('').includes('aaa'), seq.join(''));
});

test('priority sends to the lowest priority, fails over, and gives back when it recovers', async (t) => {
  const first = await namedBackend('p0');
  const second = await namedBackend('p1');
  const backends: TestServer[] = [first, second];
  const { dir, remove } = tempDir();
  writeFileSync(
    join(dir, 'servers.json'),
    JSON.stringify({ heartbeatInterval: 0.1, heartbeatTimeout: 0.5, servers: [{ priority: 1, name: 'p1', address: '127.0.0.1', port: second.port }, { priority: 0, name: 'p0', address: '127.0.0.1', port: first.port }] }),
  );
  const gw = await gateway(configFromIni(`[balancer]\nstrategy = priority\nmax_fails = 1${cacheOff}`, { PROXY_SERVER_CONFIG: join(dir, 'servers.json') }));
  t.after(async () => {
    await gw.close();
    await Promise.all(backends.map((b) => b.close()));
    remove();
  });
  assert.deepEqual(await countBackends(gw.url, 5), { p0: 5 });
  await first.kill();
  assert.deepEqual(await countBackends(gw.url, 5), { p1: 5 }, 'failover without client errors');
  const revived = await namedBackend('p0', first.port);
  backends.push(revived);
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && !gw.pool.all.find((b) => b.name === 'p0')!.healthy) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(await countBackends(gw.url, 5), { p0: 5 }, 'given back after a good probe');
});

test('least_loaded keeps requests away from a slow backend', async (t) => {
  const slow = await namedBackend('slow', 0, 300);
  const fast = await Promise.all(['f1', 'f2'].map((n) => namedBackend(n)));
  const all = [slow, ...fast];
  const gw = await gateway(configFromIni(`${backendLines(all.map((b) => b.port))}\n[balancer]\nstrategy = least_loaded${cacheOff}`));
  t.after(async () => {
    await gw.close();
    await Promise.all(all.map((b) => b.close()));
  });
  // 4 clients in parallel, 15 requests each: the slow backend holds one request in flight most of the time.
  const counts: Record<string, number> = {};
  await Promise.all(
    [0, 1, 2, 3].map(async (c) => {
      for (let i = 0; i < 15; i++) {
        const res = await fetchText(`${gw.url}/l?c=${c}&i=${i}`);
        counts[res.body] = (counts[res.body] ?? 0) + 1;
      }
    }),
  );
  assert.equal((counts.slow ?? 0) + (counts.f1 ?? 0) + (counts.f2 ?? 0), 60);
  assert.ok((counts.slow ?? 0) < 10, `slow backend got ${counts.slow} of 60 (${JSON.stringify(counts)})`);
});

test('strategies pick the same way whatever the number of backends: priority from a once-sorted list, exclusions respected', async () => {
  const { createStrategy } = await import('../../src/common/strategies.js');
  const backends = Array.from({ length: 1000 }, (_, i) => ({ priority: (i * 7919) % 1000, weight: 1, inFlight: 0, name: `b${i}` }));
  const strategy = createStrategy<(typeof backends)[number]>('priority');
  const lowest = backends.find((b) => b.priority === 0)!;
  for (let i = 0; i < 5; i++) assert.equal(strategy.pick(backends), lowest);
  const next = strategy.pick(backends, new Set([lowest]))!;
  assert.equal(next.priority, 1);
});
