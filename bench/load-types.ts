/** One measured run of the HTTP load generator against one URL. */
export interface LoadRun {
  url: string;
  connections: number;
  durationMs: number;
  /**
   * Every request a URL never asked before (`?r=<run>&n=<count>` added), for
   * the cold-cache scenarios: each answer is a miss that gets stored.
   */
  uniquePaths?: boolean;
}

/** A query prefix no earlier run used, so that no round can hit what another stored. */
export const runPrefix = (): string => `r=${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
}

export interface LoadGenerator {
  /** "wrk 4.1.0 (1 thread)", "autocannon 8.0.0 (in the bench process)". */
  label: string;
  run(run: LoadRun): Promise<LoadResult>;
}
