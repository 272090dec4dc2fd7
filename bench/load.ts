/**
 * The HTTP load generator: wrk when installed (a C load generator, so the
 * fastest contenders are not capped by the tool), else autocannon's
 * programmatic API in the bench process. Either way the bench process holds
 * nothing else that runs during a measurement.
 */
import autocannon from 'autocannon';
import { createRequire } from 'node:module';
import { runPrefix, type LoadGenerator, type LoadResult, type LoadRun } from './load-types.js';
import type { ToolChoice } from './options.js';
import { runWrk, wrkVersion } from './wrk.js';

async function runAutocannon(run: LoadRun): Promise<LoadResult> {
  const path = new URL(run.url).pathname;
  const prefix = runPrefix();
  let n = 0;
  const result = await autocannon({
    url: run.url,
    connections: run.connections,
    duration: run.durationMs / 1000,
    pipelining: 1,
    timeout: 5,
    ...(run.uniquePaths ? { requests: [{ setupRequest: (req: object) => ({ ...req, path: `${path}?${prefix}&n=${n++}` }) }] } : {}),
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / (result.duration || run.durationMs / 1000),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

function autocannonVersion(): string {
  try {
    return (createRequire(import.meta.url)('autocannon/package.json') as { version: string }).version;
  } catch {
    return '?';
  }
}

/** The generator for the choice; throws when wrk is asked for and absent. */
export function loadGenerator(choice: ToolChoice): LoadGenerator {
  const wrk = choice === 'autocannon' ? undefined : wrkVersion();
  if (choice === 'wrk' && !wrk) throw new Error('bench: --tool wrk: wrk is not installed (apt-get install wrk)');
  if (wrk) return { label: `wrk ${wrk} (1 thread)`, run: runWrk };
  return { label: `autocannon ${autocannonVersion()} (in the bench process)`, run: runAutocannon };
}
