/**
 * A Linux `perf` profile of the gateway process: cpu-clock samples (CPU
 * time only, kernel included) with call graphs, JIT frames named through
 * node's perf map. Summarised as CPU time by where it was spent (kernel,
 * node/V8's own code, JIT-compiled JavaScript, libc) and the JavaScript
 * functions with the most inclusive time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';

/** Makes node write /tmp/perf-<pid>.map so perf can name JIT-compiled JavaScript. */
export const PERF_NODE_ARGS = ['--perf-basic-prof-only-functions', '--interpreted-frames-native-stack'];

/** The symbol map node writes for perf; perf report reads it, so it is removed only after the summary. */
export const perfMapOf = (pid: number) => `/tmp/perf-${pid}.map`;

export function perfVersion(): string | undefined {
  const run = spawnSync('perf', ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** Records until stop(); stop() rejects with perf's own words when it recorded nothing (e.g. perf_event_paranoid). */
export function startPerfRecord(pid: number, file: string): { stop(): Promise<void> } {
  const perf = spawn('perf', ['record', '-q', '-e', 'cpu-clock', '-F', '2000', '-g', '-o', file, '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  perf.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(perf, 'close');
  return {
    async stop() {
      perf.kill('SIGINT');
      await exited;
      if (!existsSync(file)) throw new Error(`perf record wrote nothing: ${stderr.trim() || 'no message'}`);
    },
  };
}

function report(file: string, args: string[]): string {
  const run = spawnSync('perf', ['report', '-i', file, '-q', '-g', 'none', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return run.stdout ?? '';
}

/** "12.34%  name" lines of a perf report, as [percent, name]. */
function rows(text: string): [number, string][] {
  const out: [number, string][] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*([\d.]+)%\s+(?:[\d.]+%\s+)?(.*\S)\s*$/.exec(line);
    if (match) out.push([Number(match[1]), match[2]!]);
  }
  return out;
}

const pct = (n: number) => n.toFixed(1).padStart(6);

export function perfSummary(file: string, top: number): string {
  const byDso = rows(report(file, ['--no-children', '--sort', 'dso'])).map(([p, dso]) => [p, dso.startsWith('[JIT]') ? 'JIT-compiled JavaScript' : dso === 'node' ? 'node (V8 runtime and builtins, libuv, C++ bindings)' : dso] as const);
  const js = rows(report(file, ['--children', '--sort', 'sym']))
    .filter(([, sym]) => sym.includes('JS:'))
    .slice(0, top);
  return (
    ' CPU %  where (self time)\n' +
    byDso.map(([p, dso]) => `${pct(p)}  ${dso}`).join('\n') +
    '\n\n total %  JavaScript function (inclusive time)\n' +
    js.map(([p, sym]) => `${pct(p)}   ${sym.replace(/^\[\.\]\s*/, '').replace(/^JS:\*?/, '')}`).join('\n') +
    '\n'
  );
}
