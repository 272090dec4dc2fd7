/**
 * Profiles the gateway under the bench's load: starts the three demo
 * backends and `node --cpu-prof dist/cli.js gateway`, warms it, loads it for
 * the duration, stops it gracefully (which writes the profile), and prints
 * the functions with the most CPU time. The .cpuprofile stays for a flame
 * graph (Chrome DevTools → Performance → Load profile, or speedscope).
 *
 *   node --import tsx bench/profile.ts [--hit | --cached-miss | --cold] [--perf] [--duration 10] [--connections 50] [--top 30] [--out DIR] [--tool wrk|autocannon]
 *
 * --perf samples with Linux `perf record` (cpu-clock) instead: CPU time
 * only, kernel included, where V8's profiler samples wall time and charges
 * a process preempted inside a system call to that call. See ./perf-profile.ts.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { checkContender, GATEWAY_ROWS, PATH, startBackends, startGateway, type GatewayRow } from './contenders.js';
import { formatProfileSummary, readProfile, summariseProfile } from './cpuprofile.js';
import { cpuMs } from './cpu.js';
import { loadGenerator } from './load.js';
import { PERF_NODE_ARGS, perfMapOf, perfSummary, perfVersion, startPerfRecord } from './perf-profile.js';
import type { ToolChoice } from './options.js';
import { HOST, refuseNewChildren, stopAll } from './processes.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      hit: { type: 'boolean' },
      // The cache on, answers it may not store (the hit-for-pass path).
      'cached-miss': { type: 'boolean' },
      // The cache on, every request a URL never asked before: each answer fetched and stored.
      cold: { type: 'boolean' },
      perf: { type: 'boolean' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      top: { type: 'string', default: '30' },
      out: { type: 'string' },
      tool: { type: 'string', default: 'auto' },
    },
  });
  if ([values.hit, values['cached-miss'], values.cold].filter(Boolean).length > 1) {
    log('profile: --hit, --cached-miss and --cold each choose a path: give one');
    return 2;
  }
  const durationMs = Math.max(1, Number(values.duration)) * 1000;
  const connections = Math.max(1, Number(values.connections));
  const out = values.out ? resolve(values.out) : mkdtempSync(join(tmpdir(), 'pibl-profile-'));
  mkdirSync(out, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'pibl-profile-run-'));
  const onSignal = () => {
    refuseNewChildren();
    void stopAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const generator = loadGenerator(values.tool as ToolChoice);
    const name: GatewayRow = values.hit ? 'gateway-hit' : values['cached-miss'] ? 'gateway-cached-miss' : values.cold ? 'gateway-cold' : 'gateway-miss';
    const { mode, load: row } = GATEWAY_ROWS[name];
    const uniquePaths = 'uniquePaths' in row && row.uniquePaths;
    const backends = await startBackends(dir);
    if (values.perf && !perfVersion()) throw new Error('--perf needs Linux perf (apt-get install linux-perf)');
    const nodeArgs = values.perf ? PERF_NODE_ARGS : ['--cpu-prof', `--cpu-prof-dir=${out}`];
    const gateway = await startGateway(dir, name, backends.map((b) => b.port), mode, nodeArgs);
    const url = `http://${HOST}:${gateway.port}${PATH}`;
    const problem = await checkContender({ name, url, pids: () => [gateway.child.pid], cpuOf: 'gateway', hitHeader: 'hitHeader' in row ? row.hitHeader : undefined });
    if (problem) log(`profile: warning: ${problem}`);
    await generator.run({ url, connections, durationMs: 1_000, uniquePaths });
    if (values.perf) {
      const data = join(out, 'perf.data');
      try {
        const recording = startPerfRecord(gateway.child.pid, data);
        const load = await generator.run({ url, connections, durationMs, uniquePaths });
        await recording.stop();
        await gateway.child.stop();
        process.stdout.write(
          `${name} under ${generator.label}, ${connections} connections, ${durationMs / 1000} s: ${Math.round(load.requestsPerSecond).toLocaleString('en-US')} req/s\n` +
            `perf data: ${data} (perf report -i ${data})\n\n` +
            perfSummary(data, Number(values.top)),
        );
        return 0;
      } finally {
        rmSync(perfMapOf(gateway.child.pid), { force: true });
      }
    }
    const before = cpuMs([gateway.child.pid]);
    const load = await generator.run({ url, connections, durationMs, uniquePaths });
    const after = cpuMs([gateway.child.pid]);
    await gateway.child.stop();
    await stopAll();
    const file = readdirSync(out).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1);
    if (!file) throw new Error(`no .cpuprofile in ${out}`);
    const cpu = before !== undefined && after !== undefined ? `, ${(((after - before) * 1000) / load.requests).toFixed(1)} µs CPU/req` : '';
    process.stdout.write(
      `${name} under ${generator.label}, ${connections} connections, ${durationMs / 1000} s: ${Math.round(load.requestsPerSecond).toLocaleString('en-US')} req/s${cpu}\n` +
        `profile: ${join(out, file)} (includes start-up and the warm-up)\n\n` +
        formatProfileSummary(summariseProfile(readProfile(join(out, file)), Number(values.top))),
    );
    return 0;
  } catch (err) {
    log(`profile: ${(err as Error).message}`);
    return 1;
  } finally {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
