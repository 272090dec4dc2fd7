/**
 * wrk as the load generator when it is installed: one C thread outruns any
 * Node load generator, so the fast contenders (direct, cache hits) are not
 * capped by the tool. Its text output is parsed here.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPrefix, type LoadResult, type LoadRun } from './load-types.js';

/** wrk's version line, or undefined when wrk is not on PATH. */
export function wrkVersion(): string | undefined {
  // wrk -v prints its banner and usage, and exits 1.
  const probe = spawnSync('wrk', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5_000 });
  if (probe.error) return undefined;
  return /^wrk (\S+)/m.exec(`${probe.stdout}\n${probe.stderr}`)?.[1];
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) throw new Error(`wrk: unreadable duration "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** Reads wrk --latency output into the bench's figures. */
export function parseWrkOutput(out: string): LoadResult {
  const total = /^\s*(\d+) requests in ([\d.]+\w+),/m.exec(out);
  const p50 = /^\s*50%\s+(\S+)/m.exec(out);
  const p99 = /^\s*99%\s+(\S+)/m.exec(out);
  if (!total || !p50 || !p99) throw new Error(`wrk: unreadable output:\n${out}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const errors = (socket ? socket.slice(1).reduce((s, n) => s + Number(n), 0) : 0) + (non2xx ? Number(non2xx[1]) : 0);
  const requests = Number(total[1]);
  const elapsedMs = durationMs(total[2]!);
  return { requests, requestsPerSecond: requests / (elapsedMs / 1000), p50Ms: durationMs(p50[1]!), p99Ms: durationMs(p99[1]!), errors };
}

/** A wrk script that gives every request a URL not asked before (one thread, so one counter). */
function uniquePathScript(): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pibl-wrk-'));
  const file = join(dir, 'unique.lua');
  writeFileSync(file, `local n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(nil, wrk.path .. "?${runPrefix()}&n=" .. n)\nend\n`);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function runWrk(run: LoadRun): Promise<LoadResult> {
  const seconds = Math.max(1, Math.round(run.durationMs / 1000));
  const script = run.uniquePaths ? uniquePathScript() : null;
  const args = ['-t1', `-c${run.connections}`, `-d${seconds}s`, '--latency', '--timeout', '5s', ...(script ? ['-s', script.file] : []), run.url];
  return new Promise<LoadResult>((resolve, reject) => {
    execFile('wrk', args, { encoding: 'utf8', timeout: run.durationMs + 15_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrk ${args.join(' ')}: ${err.message}\n${stderr}`));
      try {
        resolve(parseWrkOutput(stdout));
      } catch (parseError) {
        reject(parseError);
      }
    });
  }).finally(() => script?.remove());
}
