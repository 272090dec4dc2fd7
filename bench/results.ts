/** What the bench measures, and the summaries over rounds. */
import type { LoadResult } from './load-types.js';
import type { HttpScenarioName } from './options.js';

export interface RoundResult extends LoadResult {
  /** CPU time the contender's processes spent during the run, if /proc could tell. */
  cpuMs?: number;
  /** CPU time of the three backends during the run. */
  backendCpuMs?: number;
}

export interface HttpScenarioResult {
  name: HttpScenarioName;
  url: string;
  cpuOf: string;
  rounds: RoundResult[];
  requestsPerSecond: { median: number; min: number; max: number };
  /** Medians over the rounds. */
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest?: number;
  /** CPU of the three backends per request (median over rounds), to see what the proxy left them. */
  backendCpuUsPerRequest?: number;
  errors: number;
  ratioToDirect?: number;
  /** Against nginx-miss for the miss rows, nginx-hit for the hit rows. */
  ratioToNginx?: number;
  /** CPU per request against the same nginx row's (below 1: cheaper than nginx). */
  cpuRatioToNginx?: number;
  /** Why the figures may not mean what the name says (the cache did not hit, ...). */
  problem?: string;
}

export interface TcpScenarioResult {
  group: 'kv' | 'herd' | 'grpc';
  name: string;
  connections: number;
  requestsPerSecond?: number;
  p50Ms: number;
  p99Ms: number;
  errors?: number;
}

export interface BenchResults {
  meta: {
    date: string;
    node: string;
    cpus: number;
    cpuModel: string;
    loadGenerator: string;
    /** 1-minute load average at the start and at the end: above the CPU count, the machine was shared. */
    loadAverage: { start: number; end?: number };
    connections: number;
    rounds: number;
    durationMs: number;
    notes: string[];
  };
  http: HttpScenarioResult[];
  tcp: TcpScenarioResult[];
  /** Scenarios asked for that did not run, with the reason. */
  skipped: { name: string; reason: string }[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const NGINX_PEER: Partial<Record<HttpScenarioName, HttpScenarioName>> = {
  'gateway-miss': 'nginx-miss',
  'gateway-cached-miss': 'nginx-miss',
  'nginx-miss': 'nginx-miss',
  'nginx-auto-miss': 'nginx-miss',
  'gateway-cold': 'nginx-cold',
  'nginx-cold': 'nginx-cold',
  'gateway-hit': 'nginx-hit',
  'nginx-hit': 'nginx-hit',
  'nginx-auto-hit': 'nginx-hit',
};

const round3 = (v: number) => Math.round(v * 1000) / 1000;

export function summarise(
  base: Pick<HttpScenarioResult, 'name' | 'url' | 'cpuOf' | 'problem'>,
  rounds: RoundResult[],
  backendCpuMs: (number | undefined)[],
): HttpScenarioResult {
  const rps = rounds.map((r) => r.requestsPerSecond);
  const cpu = rounds.every((r) => r.cpuMs !== undefined && r.requests > 0) ? median(rounds.map((r) => (r.cpuMs! * 1000) / r.requests)) : undefined;
  const backendCpu = backendCpuMs.every((v) => v !== undefined) && rounds.every((r) => r.requests > 0)
    ? median(rounds.map((r, i) => (backendCpuMs[i]! * 1000) / r.requests))
    : undefined;
  return {
    ...base,
    rounds,
    requestsPerSecond: { median: Math.round(median(rps)), min: Math.round(Math.min(...rps)), max: Math.round(Math.max(...rps)) },
    p50Ms: round3(median(rounds.map((r) => r.p50Ms))),
    p99Ms: round3(median(rounds.map((r) => r.p99Ms))),
    cpuUsPerRequest: cpu === undefined ? undefined : Math.round(cpu * 10) / 10,
    backendCpuUsPerRequest: backendCpu === undefined ? undefined : Math.round(backendCpu * 10) / 10,
    errors: rounds.reduce((s, r) => s + r.errors, 0),
  };
}

/** Fills ratioToDirect and ratioToNginx from the medians. */
export function addRatios(results: HttpScenarioResult[]): void {
  const byName = new Map(results.map((r) => [r.name, r]));
  const direct = byName.get('direct')?.requestsPerSecond.median;
  for (const r of results) {
    if (direct) r.ratioToDirect = Math.round((r.requestsPerSecond.median / direct) * 100) / 100;
    const peer = NGINX_PEER[r.name] ? byName.get(NGINX_PEER[r.name]!) : undefined;
    if (peer?.requestsPerSecond.median) r.ratioToNginx = Math.round((r.requestsPerSecond.median / peer.requestsPerSecond.median) * 100) / 100;
    if (peer?.cpuUsPerRequest && r.cpuUsPerRequest !== undefined) r.cpuRatioToNginx = Math.round((r.cpuUsPerRequest / peer.cpuUsPerRequest) * 100) / 100;
  }
}
