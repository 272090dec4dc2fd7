/**
 * pibl's benchmark (SPEC §7, issue 7): the gateway against the backend it
 * fronts and against nginx, then the kv, herd and gRPC load generators.
 *
 *   npm run bench [-- --quick] [-- --json] [-- --only direct,gateway-miss]
 *   node --import tsx bench/run.ts --help
 *
 * The HTTP contenders run as child processes (backends, gateway, nginx) and
 * are measured in turns, A B C A B C ..., so that a slow minute of a shared
 * machine falls on every contender alike. Everything listens on 127.0.0.1
 * and every process is stopped at the end, on error and on Ctrl-C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkContender, startLineup, type Contender } from './contenders.js';
import { cpuMs } from './cpu.js';
import { staleDistFile } from './dist-check.js';
import { loadGenerator } from './load.js';
import type { LoadGenerator } from './load-types.js';
import { HTTP_SCENARIOS, parseBenchArgs, TCP_SCENARIOS, UsageError, USAGE, type BenchOptions, type HttpScenarioName, type TcpScenarioName } from './options.js';
import { refuseNewChildren, stopAll } from './processes.js';
import { formatTable } from './report.js';
import { addRatios, summarise, type BenchResults, type RoundResult } from './results.js';
import { runTcpScenario } from './tcp.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const round2 = (v: number) => Math.round(v * 100) / 100;

/** Seconds the whole run may take before it is abandoned (generous: setup, warm-ups, the TCP scenarios). */
function budgetMs(options: BenchOptions, contenders: number): number {
  const perRun = Math.max(options.durationMs, 1000) + 3_000;
  const tcp = options.scenarios.filter((s) => (TCP_SCENARIOS as readonly string[]).includes(s)).length;
  return 60_000 + contenders * (options.rounds + 1) * perRun + tcp * (8 * options.durationMs + 30_000);
}

async function measure(generator: LoadGenerator, c: Contender, options: BenchOptions, durationMs: number, backendPids: number[]) {
  const before = cpuMs(c.pids());
  const backendsBefore = cpuMs(backendPids);
  const load = await generator.run({ url: c.url, connections: options.connections, durationMs, uniquePaths: c.uniquePaths });
  const after = cpuMs(c.pids());
  const backendsAfter = cpuMs(backendPids);
  const round: RoundResult = { ...load, cpuMs: before === undefined || after === undefined ? undefined : after - before };
  return { round, backendCpuMs: backendsBefore === undefined || backendsAfter === undefined ? undefined : backendsAfter - backendsBefore };
}

async function runHttp(options: BenchOptions, dir: string, results: BenchResults): Promise<void> {
  const names = options.scenarios.filter((s): s is HttpScenarioName => (HTTP_SCENARIOS as readonly string[]).includes(s));
  if (names.length === 0) return;
  const generator = loadGenerator(options.tool);
  results.meta.loadGenerator = generator.label;
  log(`bench: starting 3 backends and the contenders (${names.join(', ')}); load generator ${generator.label}`);
  const lineup = await startLineup(dir, names, log);
  results.meta.notes.push(...lineup.notes);
  for (const name of names) {
    if (!lineup.contenders.some((c) => c.name === name)) results.skipped.push({ name, reason: 'not run (nginx not installed)' });
  }
  const problems = new Map<string, string>();
  // Warm-up: JIT, connection pools, and the caches of the *-hit contenders.
  const warmMs = Math.min(1_000, options.durationMs);
  for (const c of lineup.contenders) {
    const problem = await checkContender(c);
    if (problem) {
      problems.set(c.name, problem);
      log(`bench: warning: ${problem}`);
    }
    await generator.run({ url: c.url, connections: options.connections, durationMs: warmMs, uniquePaths: c.uniquePaths });
  }
  const rounds = new Map<string, RoundResult[]>(lineup.contenders.map((c) => [c.name, []]));
  const backendCpu = new Map<string, (number | undefined)[]>(lineup.contenders.map((c) => [c.name, []]));
  for (let i = 1; i <= options.rounds; i++) {
    for (const c of lineup.contenders) {
      const { round, backendCpuMs } = await measure(generator, c, options, options.durationMs, lineup.backendPids);
      rounds.get(c.name)!.push({ ...round, backendCpuMs });
      backendCpu.get(c.name)!.push(backendCpuMs);
      log(`bench: round ${i}/${options.rounds} ${c.name.padEnd(16)} ${Math.round(round.requestsPerSecond).toLocaleString('en-US').padStart(8)} req/s`);
    }
  }
  results.http = lineup.contenders.map((c) =>
    summarise({ name: c.name, url: c.url, cpuOf: c.cpuOf, problem: problems.get(c.name) }, rounds.get(c.name)!, backendCpu.get(c.name)!),
  );
  addRatios(results.http);
  await stopAll();
}

async function runTcp(options: BenchOptions, results: BenchResults, raw: Record<string, unknown>): Promise<void> {
  const names = options.scenarios.filter((s): s is TcpScenarioName => (TCP_SCENARIOS as readonly string[]).includes(s));
  // Several scenarios each: one short run apiece keeps --quick under a minute.
  const durationMs = options.quick ? Math.min(options.durationMs, 1_000) : options.durationMs;
  for (const name of names) {
    log(`bench: ${name} (${options.connections} connections, ${durationMs / 1000} s per scenario)`);
    const outcome = await runTcpScenario(name, options.connections, durationMs);
    if ('skipped' in outcome) {
      results.skipped.push({ name, reason: outcome.skipped });
      log(`bench: ${name}: ${outcome.skipped}`);
    } else {
      results.tcp.push(...outcome.rows);
      raw[name] = outcome.raw;
    }
  }
}

export async function main(argv: string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    log(err.message);
    log(USAGE);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const opts: BenchOptions = options;
  const stale = staleDistFile();
  if (stale) log(`bench: warning: ${stale} is newer than its dist/ build: run npm run build to measure it`);
  const dir = mkdtempSync(join(tmpdir(), 'pibl-bench-'));
  const cleanup = async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  };
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    refuseNewChildren();
    log(`bench: ${signal}: stopping every process`);
    void cleanup().finally(() => process.exit(130));
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
  const httpCount = opts.scenarios.filter((s) => (HTTP_SCENARIOS as readonly string[]).includes(s)).length;
  const budget = budgetMs(opts, httpCount);
  const deadline = setTimeout(() => {
    log(`bench: still running after ${Math.round(budget / 1000)} s: giving up`);
    refuseNewChildren();
    void cleanup().finally(() => process.exit(1));
  }, budget);

  const cpu = cpus();
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? '?',
      loadGenerator: '—',
      loadAverage: { start: round2(loadavg()[0]!) },
      connections: opts.connections,
      rounds: opts.rounds,
      durationMs: opts.durationMs,
      notes: [],
    },
    http: [],
    tcp: [],
    skipped: [],
  };
  const raw: Record<string, unknown> = {};
  try {
    await runHttp(opts, dir, results);
    await runTcp(opts, results, raw);
  } catch (err) {
    // After Ctrl-C the children's exits surface here as errors: not news.
    if (!interrupted) log(`bench: ${(err as Error).message}`);
    return interrupted ? 130 : 1;
  } finally {
    results.meta.loadAverage.end = round2(loadavg()[0]!);
    clearTimeout(deadline);
    await cleanup();
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, onSignal);
  }
  process.stdout.write(opts.json ? `${JSON.stringify({ ...results, raw }, null, 2)}\n` : formatTable(results));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      log(`bench: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
      void stopAll().finally(() => process.exit(1));
    },
  );
}
