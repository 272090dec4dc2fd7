/** One measured run of the HTTP load generator against one URL. */
export interface LoadRun {
  url: string;
  connections: number;
  durationMs: number;
}

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
