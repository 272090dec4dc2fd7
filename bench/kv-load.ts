/**
 * TCP load generator for the kv cluster: requests/s and latency percentiles
 * at a chosen concurrency, through the balancer and straight to one node,
 * and on cache misses, each hop measured with connections reused and with one
 * connection per request (the original protocol), so the two can be compared.
 *
 * It starts its own origin, 5 nodes and 2 balancers in this process on
 * ephemeral 127.0.0.1 ports, runs each scenario for `durationMs`, and closes
 * everything. Load generator and servers share one event loop, so the
 * figures compare scenarios with each other; they are not a capacity claim.
 *
 *   node --import tsx bench/kv-load.ts [--connections 32] [--duration 3]
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LineClient } from '../src/common/line-client.js';
import type { Service } from '../src/common/service.js';
import { startBalancer } from '../src/kv/balancer.js';
import { startNode } from '../src/kv/node.js';
import { startOrigin } from '../src/kv/origin.js';
import { latencySummary, round3, type LatencySummary } from './latency-summary.js';
import { loadScriptOptions } from './script-flags.js';

export interface KvBenchOptions {
  /** Requests in flight at once (one connection each when reused). */
  connections: number;
  /** Length of each scenario. */
  durationMs: number;
  /** Origin data folder; default the shipped origin/data. */
  dataDir?: string;
}

export interface KvScenarioResult {
  name: string;
  connections: number;
  durationMs: number;
  requests: number;
  /** Answers that were not OK, or no answer at all. */
  errors: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
}

export interface KvBenchResult {
  scenarios: KvScenarioResult[];
  /** requests/s with connections reused divided by one connection per request, per hop. */
  reuseSpeedup: { clientToNode: number; lbToNode: number; nodeToOrigin: number };
}

const HOST = '127.0.0.1';
const KEYS = ['article/1', 'article/2', 'article/3', 'article/4'];
const DEFAULT_DATA = resolve(fileURLToPath(new URL('../origin/data', import.meta.url)));

async function load(name: string, port: number, keepAlive: boolean, options: KvBenchOptions): Promise<KvScenarioResult> {
  const client = new LineClient({ host: HOST, port, keepAlive, maxSockets: options.connections, timeoutMs: 10_000 });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const answer = await client.request(`GET ${KEYS[next++ % KEYS.length]}`);
        if (!answer.startsWith('{"status":"OK"')) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const elapsed = performance.now() - started;
  client.close();
  return {
    name,
    connections: options.connections,
    durationMs: Math.round(elapsed),
    requests: latencies.length,
    errors,
    requestsPerSecond: Math.round((latencies.length / elapsed) * 1000),
    latencyMs: latencySummary(latencies),
  };
}


export async function runKvBench(options: KvBenchOptions): Promise<KvBenchResult> {
  const services: Service[] = [];
  try {
    const origin = await startOrigin({ host: HOST, port: 0, dataDir: options.dataDir ?? DEFAULT_DATA });
    services.push(origin);
    const nodes: Service[] = [];
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await startNode({ host: HOST, port: 0, originHost: HOST, originPort: origin.port, cacheType: 'ttl', ttlSeconds: 300, lruCapacity: 100 }),
      );
    }
    services.push(...nodes);
    // Every request of these nodes misses (ttl 0), so they measure the node -> origin hop.
    const missNode = await startNode({ host: HOST, port: 0, originHost: HOST, originPort: origin.port, cacheType: 'ttl', ttlSeconds: 0, lruCapacity: 1 });
    const missNodeOneShot = await startNode({
      host: HOST, port: 0, originHost: HOST, originPort: origin.port, cacheType: 'ttl', ttlSeconds: 0, lruCapacity: 1, originKeepAlive: false,
    });
    services.push(missNode, missNodeOneShot);
    const proxies = nodes.map((n) => ({ host: HOST, port: n.port }));
    const lb = await startBalancer({ host: HOST, port: 0, proxies, strategy: 'round_robin', pollIntervalMs: 2_000 });
    const lbOneShot = await startBalancer({ host: HOST, port: 0, proxies, strategy: 'round_robin', pollIntervalMs: 2_000, upstreamKeepAlive: false });
    services.push(lb, lbOneShot);

    // Warm every node's cache so that the hit scenarios measure hits.
    await load('warm-up', lb.port, true, { ...options, durationMs: Math.min(500, options.durationMs) });

    // Pairs: the same path with connections reused, then with one per request.
    const scenarios = [
      await load('node hit, client reuses', nodes[0]!.port, true, options),
      await load('node hit, client conn/request', nodes[0]!.port, false, options),
      await load('lb, lb->node reused', lb.port, true, options),
      await load('lb, lb->node conn/request', lbOneShot.port, true, options),
      await load('node miss, node->origin reused', missNode.port, true, options),
      await load('node miss, node->origin conn/req', missNodeOneShot.port, true, options),
    ];
    const speedup = (i: number) => round3(scenarios[i]!.requestsPerSecond / (scenarios[i + 1]!.requestsPerSecond || 1));
    return {
      scenarios,
      reuseSpeedup: { clientToNode: speedup(0), lbToNode: speedup(2), nodeToOrigin: speedup(4) },
    };
  } finally {
    for (const s of services.reverse()) await s.close();
  }
}

async function main(): Promise<void> {
  const { connections, durationMs, json } = loadScriptOptions(process.argv.slice(2), 3);
  const result = await runKvBench({ connections, durationMs });
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const rows = result.scenarios.map((s) =>
    [s.name.padEnd(34), String(s.requestsPerSecond).padStart(8), String(s.latencyMs.p50).padStart(8), String(s.latencyMs.p99).padStart(8), String(s.requests).padStart(9), String(s.errors).padStart(7)].join(' '),
  );
  process.stdout.write(
    `kv cluster, ${connections} connections, ${durationMs / 1000} s per scenario (node ${process.version}, loopback, one process)\n` +
      `${'scenario'.padEnd(34)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'requests'.padStart(9)} ${'errors'.padStart(7)}\n` +
      `${rows.join('\n')}\n` +
      `connection reuse speed-up (req/s reused / per request): client->node ${result.reuseSpeedup.clientToNode}x, ` +
      `lb->node ${result.reuseSpeedup.lbToNode}x, node->origin ${result.reuseSpeedup.nodeToOrigin}x\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`kv-load: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
