import type { Registry } from 'prom-client';

/** The gateway's request-duration histogram (src/gateway/metrics.ts). */
export const DURATION_METRIC = 'pibl_http_request_duration_seconds';

/** Cumulative bucket counts of one histogram, summed over its label sets. */
export interface LatencySnapshot {
  available: boolean;
  /** Upper bounds in seconds, ascending; the last one is Infinity (sent as null in JSON). */
  le: (number | null)[];
  /** Cumulative counts, one per bound. */
  counts: number[];
  count: number;
  sumSeconds: number;
}

/**
 * Reads the histogram as it stands. The page subtracts two snapshots to get
 * the latency of the last interval, so the figures stay cumulative here as
 * Prometheus keeps them.
 */
export async function readLatency(registry: Registry | undefined, metricName = DURATION_METRIC): Promise<LatencySnapshot> {
  const empty: LatencySnapshot = { available: false, le: [], counts: [], count: 0, sumSeconds: 0 };
  const metric = registry?.getSingleMetric(metricName);
  if (!metric) return empty;
  const { values } = await metric.get();
  const byBound = new Map<number, number>();
  let count = 0;
  let sumSeconds = 0;
  for (const v of values) {
    const name = (v as { metricName?: string }).metricName ?? '';
    if (name.endsWith('_bucket')) {
      const le = v.labels.le;
      const bound = le === '+Inf' || le === undefined ? Infinity : Number(le);
      byBound.set(bound, (byBound.get(bound) ?? 0) + v.value);
    } else if (name.endsWith('_count')) count += v.value;
    else if (name.endsWith('_sum')) sumSeconds += v.value;
  }
  const bounds = [...byBound.keys()].sort((a, b) => a - b);
  return {
    available: true,
    le: bounds.map((b) => (Number.isFinite(b) ? b : null)),
    counts: bounds.map((b) => byBound.get(b) ?? 0),
    count,
    sumSeconds,
  };
}
