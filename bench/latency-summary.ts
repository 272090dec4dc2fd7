/** Latencies in ms as the TCP load generators (kv, herd) report them: rounded to the µs. */
export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Three decimals: ms to the µs, or a ratio. */
export const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

export function latencySummary(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round3(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return {
    mean: round3(sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1)),
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: round3(sorted.at(-1) ?? 0),
  };
}
