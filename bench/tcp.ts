/**
 * The kv, herd and gRPC scenarios: each is another engineer's load generator
 * in bench/ (kv-load.ts, herd-load.ts, grpc-load.ts), called when its file is
 * present and skipped with a note otherwise. Their results are read
 * structurally, so a generator that is still growing does not break the run.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TcpScenarioName } from './options.js';
import type { TcpScenarioResult } from './results.js';

interface Latency {
  p50?: number;
  p99?: number;
}

interface Scenario {
  name?: string;
  target?: string;
  callsPerSecond?: number;
  p50Ms?: number;
  p99Ms?: number;
  connections?: number;
  concurrency?: number;
  requestsPerSecond?: number;
  errors?: number;
  latencyMs?: Latency & { all?: Latency };
}

const FILES: Record<TcpScenarioName, { file: string; fn: string }> = {
  kv: { file: 'kv-load.ts', fn: 'runKvBench' },
  herd: { file: 'herd-load.ts', fn: 'runHerdBench' },
  grpc: { file: 'grpc-load.ts', fn: 'runGrpcBench' },
};

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function row(group: TcpScenarioName, s: Scenario, fallbackName: string, connections: number): TcpScenarioResult {
  const latency = s.latencyMs?.all ?? s.latencyMs ?? {};
  const rps = num(s.requestsPerSecond) ?? num(s.callsPerSecond);
  return {
    group,
    name: s.name ?? s.target ?? fallbackName,
    connections: num(s.connections) ?? num(s.concurrency) ?? connections,
    requestsPerSecond: rps === undefined ? undefined : Math.round(rps),
    p50Ms: num(latency.p50) ?? num(s.p50Ms) ?? NaN,
    p99Ms: num(latency.p99) ?? num(s.p99Ms) ?? NaN,
    errors: num(s.errors),
  };
}

/** Rows for the table from whatever shape the generator returned. */
export function tcpRows(group: TcpScenarioName, result: unknown, connections: number): TcpScenarioResult[] {
  const r = result as Scenario & { scenarios?: Scenario[]; results?: Scenario[]; floodCompletionMs?: Latency };
  // kv: { scenarios: [...] }; gRPC: { concurrency, results: [{ target, ... }] }; herd: one mix.
  const list = Array.isArray(r.scenarios) ? r.scenarios : Array.isArray(r.results) ? r.results.map((s) => ({ concurrency: num(r.concurrency), ...s })) : undefined;
  const rows = list ? list.map((s, i) => row(group, s, `scenario ${i + 1}`, connections)) : [row(group, r, group === 'herd' ? 'IAMAT/WHATSAT mix' : 'all', connections)];
  if (r.floodCompletionMs) {
    rows.push({ group, name: 'flood completion (all 5 servers)', connections: rows[0]!.connections, p50Ms: num(r.floodCompletionMs.p50) ?? NaN, p99Ms: num(r.floodCompletionMs.p99) ?? NaN });
  }
  return rows;
}

/** Runs one TCP scenario; undefined with a reason when its generator is not in bench/. */
export async function runTcpScenario(
  name: TcpScenarioName,
  connections: number,
  durationMs: number,
): Promise<{ rows: TcpScenarioResult[]; raw: unknown } | { skipped: string }> {
  const { file, fn } = FILES[name];
  const url = new URL(`./${file}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return { skipped: `bench/${file} not present — skipped` };
  const mod = (await import(url.href)) as Record<string, unknown>;
  const run = mod[fn];
  if (typeof run !== 'function') return { skipped: `bench/${file} has no ${fn}() — skipped` };
  const options = name === 'grpc' ? { concurrency: connections, durationMs } : { connections, durationMs };
  const raw: unknown = await run(options);
  return { rows: tcpRows(name, raw, connections), raw };
}
