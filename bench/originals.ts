/**
 * Issue #7: pibl against the original Python systems, with one load
 * generator and one mix for both. The originals are not part of pibl and
 * are never copied into it: point the flags at checkouts of them, kept
 * outside this repository (kv: github.com/Ambrose2002/distributed-proxy;
 * herd: github.com/LeechCSE/Asyncio-Proxy-Herd, folder code/). Nothing of
 * theirs is changed; they are started as they ship, with python3 (--python,
 * else the first of python3, /usr/bin/python3 that works; the herd original
 * imports aiohttp, so with --herd it must import that too).
 *
 *   npm run build
 *   node --import tsx bench/originals.ts --kv DIR [--herd DIR] [--rounds 3] [--duration 4] [--connections 32]
 *        [--warmup 1] [--ttl 3600] [--max-requests 200000] [--rate R] [--only kv-lb-hit,kv-node-hit,herd-iamat] [--python PY] [--json]
 *
 *   --kv DIR    checkout of the kv original ("Distributed Proxy System":
 *               origin/origin_server.py, proxy/proxy_node.py, load_balancer/load_balancer.py, origin/data/)
 *   --herd DIR  folder holding the herd original's server.py and config.py (CS131 proxy herd, asyncio)
 *
 * Scenarios, each run against the original (A) then pibl (B), round after
 * round (A B A B ...), on 127.0.0.1:
 *   kv-lb-hit    `GET article/N` through the balancer (3 nodes, round robin), every key cached
 *   kv-node-hit  the same straight to one node
 *   herd-iamat   `IAMAT` with a fresh time to the five servers in turn; each one floods
 * One TCP connection per request, as the originals' clients do: connect,
 * write the line, read one answer line, close. Workers keep `connections`
 * requests in flight for `duration` seconds (and at most --max-requests).
 * With --rate R they send R requests per second on a fixed schedule
 * instead (an open loop, at most `connections` in flight), each timed from
 * when it was due: at one rate below both systems' ceilings, the latencies
 * compare like for like, where the closed loop's are those of a system at
 * saturation.
 *
 * CPU: utime + stime of every server process of the system under test
 * (origin, nodes, balancer; or the five herd servers), read from /proc before
 * and after each run; the "after" reading waits until the processes are idle,
 * so work a request leaves behind (a flood still on its way) is counted.
 *
 * Ports: the original origin_server.py binds 8000 and the herd's config.py
 * 11645-11649, both fixed in their code; the bench waits (up to 75 s) until
 * they can be bound, as TIME_WAIT from an earlier run blocks them for a
 * minute, and stops if they stay busy. Everything else gets free ports.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { latencySummary, round3 } from './latency-summary.js';
import { oneShot, REQUEST_TIMEOUT_MS, runLoad, type Run, type System } from './originals-load.js';
import {
  checkOriginal,
  iamatTime,
  kvLine,
  kvOk,
  LOCATIONS,
  primeKv,
  pythonFor,
  startOriginalHerd,
  startOriginalKv,
  startPiblHerd,
  startPiblKv,
  type Herd,
  type KvCluster,
} from './originals-systems.js';
import { refuseNewChildren, stopAll } from './processes.js';
import { runAsScript } from './script-flags.js';


const log = (line: string) => process.stderr.write(`${line}\n`);

interface Scenario {
  name: string;
  what: string;
  systems: [System, System];
}

interface Summary {
  scenario: string;
  system: string;
  requests: number;
  errors: number;
  misses: number;
  requestsPerSecond: number;
  perRound: number[];
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number | undefined;
  clientCpuUsPerRequest: number | undefined;
  peerMessagesPerRequest: number | undefined;
}

function summarize(runs: Run[]): Summary {
  const requests = runs.reduce((s, r) => s + r.requests, 0);
  const ms = runs.reduce((s, r) => s + r.durationMs, 0);
  const cpu = runs.every((r) => r.cpuMs !== undefined) ? runs.reduce((s, r) => s + r.cpuMs!, 0) : undefined;
  const peers = runs.every((r) => r.peerMessages !== undefined) ? runs.reduce((s, r) => s + r.peerMessages!, 0) : undefined;
  const lat = latencySummary(runs.flatMap((r) => r.latencies));
  return {
    scenario: runs[0]!.scenario,
    system: runs[0]!.system,
    requests,
    errors: runs.reduce((s, r) => s + r.errors, 0),
    misses: runs.reduce((s, r) => s + r.misses, 0),
    requestsPerSecond: Math.round((requests / ms) * 1000),
    perRound: runs.map((r) => r.requestsPerSecond),
    meanMs: lat.mean,
    p50Ms: lat.p50,
    p99Ms: lat.p99,
    cpuUsPerRequest: cpu === undefined || requests === 0 ? undefined : Math.round((cpu * 1000) / requests),
    clientCpuUsPerRequest: requests === 0 ? undefined : Math.round((runs.reduce((s, r) => s + r.clientCpuMs, 0) * 1000) / requests),
    peerMessagesPerRequest: peers === undefined || requests === 0 ? undefined : round3(peers / requests),
  };
}

const pad = (v: unknown, n: number) => String(v ?? '-').padStart(n);

function table(summaries: Summary[]): string {
  const head = `${'scenario'.padEnd(12)} ${'system'.padEnd(9)} ${pad('req/s', 7)} ${pad('per round', 20)} ${pad('mean ms', 8)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('CPU µs/req', 10)} ${pad('client µs/req', 13)} ${pad('errors', 6)} ${pad('misses', 6)} ${pad('peer msg/req', 12)}`;
  const rows = summaries.map(
    (s) =>
      `${s.scenario.padEnd(12)} ${s.system.padEnd(9)} ${pad(s.requestsPerSecond, 7)} ${pad(s.perRound.join(' '), 20)} ${pad(s.meanMs, 8)} ${pad(s.p50Ms, 8)} ${pad(s.p99Ms, 8)} ${pad(s.cpuUsPerRequest, 10)} ${pad(s.clientCpuUsPerRequest, 13)} ${pad(s.errors, 6)} ${pad(s.misses, 6)} ${pad(s.peerMessagesPerRequest, 12)}`,
  );
  return [head, ...rows].join('\n');
}

function ratios(summaries: Summary[]): string {
  const out: string[] = [];
  for (const name of new Set(summaries.map((s) => s.scenario))) {
    const a = summaries.find((s) => s.scenario === name && s.system === 'original');
    const b = summaries.find((s) => s.scenario === name && s.system === 'pibl');
    if (!a || !b) continue;
    const x = (num: number | undefined, den: number | undefined) => (num && den ? `${(num / den).toFixed(2)}x` : '-');
    out.push(`${name.padEnd(12)} req/s pibl/original ${x(b.requestsPerSecond, a.requestsPerSecond)}, mean latency original/pibl ${x(a.meanMs, b.meanMs)}, p50 original/pibl ${x(a.p50Ms, b.p50Ms)}, p99 original/pibl ${x(a.p99Ms, b.p99Ms)}, CPU per request original/pibl ${x(a.cpuUsPerRequest, b.cpuUsPerRequest)}`);
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- main

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kv: { type: 'string' },
      herd: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '4' },
      connections: { type: 'string', default: '32' },
      'max-requests': { type: 'string', default: '200000' },
      rate: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      warmup: { type: 'string', default: '1' },
      python: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.kv && !values.herd) {
    log('originals: give --kv DIR (the kv original) and/or --herd DIR (the herd original); see the head of bench/originals.ts');
    return 2;
  }
  const rounds = Math.max(1, Math.floor(Number(values.rounds)));
  const durationMs = Math.max(0.5, Number(values.duration)) * 1000;
  const connections = Math.max(1, Math.floor(Number(values.connections)));
  const maxRequests = Math.max(1, Math.floor(Number(values['max-requests'])));
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(rate > 0 && Number.isFinite(rate))) {
    log('originals: --rate must be a number of requests per second above 0');
    return 2;
  }
  const shape = { connections, durationMs, maxRequests, rate };
  const ttl = Math.max(1, Math.floor(Number(values.ttl)));
  const only = values.only?.split(',');
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (!existsSync(join(root, 'dist', 'cli.js'))) {
    log('originals: dist/cli.js not found: npm run build first');
    return 2;
  }
  try {
    if (values.kv) checkOriginal('kv', resolve(values.kv));
    if (values.herd) checkOriginal('herd', resolve(values.herd));
  } catch (err) {
    log(`originals: ${(err as Error).message}`);
    return 1;
  }
  const py = pythonFor(values.python, Boolean(values.herd));
  const scratch = mkdtempSync(join(tmpdir(), 'pibl-originals-'));

  // A hard bound on the whole run, whatever hangs.
  const runs = (rounds + 1) * 2 * ((values.kv ? 2 : 0) + (values.herd ? 1 : 0));
  const budgetMs = 2 * 75_000 + 60_000 + runs * (durationMs + 2 * 10_000 + REQUEST_TIMEOUT_MS);
  const stopEverything = (code: number, why: string) => {
    log(`originals: ${why}; stopping every process it started`);
    refuseNewChildren();
    void stopAll().finally(() => {
      rmSync(scratch, { recursive: true, force: true });
      process.exit(code);
    });
  };
  const watchdog = setTimeout(() => stopEverything(3, `over its time budget of ${Math.round(budgetMs / 1000)} s`), budgetMs);
  watchdog.unref();
  process.once('SIGINT', () => stopEverything(130, 'interrupted'));
  process.once('SIGTERM', () => stopEverything(143, 'terminated'));

  try {
    const scenarios: Scenario[] = [];
    const seq = { n: 0 };
    if (values.kv) {
      const kvDir = resolve(values.kv);
      log(`originals: starting the kv original from ${kvDir} (${py.exe} ${py.version}) and pibl's kv (node ${process.version})`);
      const a = await startOriginalKv(kvDir, py.exe, ttl);
      const b = await startPiblKv(scratch, join(kvDir, 'origin/data'), ttl);
      await primeKv('original', a);
      await primeKv('pibl', b);
      const sys = (label: System['label'], c: KvCluster, port: (n: number) => number): System => ({ label, pids: c.pids, port, line: kvLine, classify: kvOk });
      scenarios.push({ name: 'kv-lb-hit', what: 'GET article/1..4 through the balancer, 3 nodes, all cached', systems: [sys('original', a, () => a.lb), sys('pibl', b, () => b.lb)] });
      scenarios.push({ name: 'kv-node-hit', what: 'GET article/1..4 straight to one node, all cached', systems: [sys('original', a, () => a.nodes[0]!), sys('pibl', b, () => b.nodes[0]!)] });
    }
    if (values.herd) {
      const herdDir = resolve(values.herd);
      log(`originals: starting the herd original from ${herdDir} (${py.exe} ${py.version}) and pibl's herd`);
      const origLogs = mkdtempSync(join(scratch, 'original-herd-'));
      const a = await startOriginalHerd(herdDir, py.exe, origLogs);
      const b = await startPiblHerd(scratch);
      const baseUs = Date.now() * 1000;
      const clients = Math.max(64, connections * 4);
      const line = (n: number) => `IAMAT bench-${n % clients}.cs.ucla.edu ${LOCATIONS[n % LOCATIONS.length]} ${iamatTime(baseUs, n)}`;
      const sys = (label: System['label'], h: Herd): System => ({
        label,
        pids: h.pids,
        port: (n) => h.ports[n % h.ports.length]!,
        line,
        classify: (answer) => (answer.startsWith('AT ') ? 'ok' : 'error'),
        peerMessages: h.peerMessages,
      });
      const systems: [System, System] = [sys('original', a), sys('pibl', b)];
      // Warm-up: every server answers, and the first floods are behind us.
      for (const s of systems) for (let i = 0; i < 10; i++) if (s.classify(await oneShot(s.port(seq.n), s.line(seq.n++))) !== 'ok') throw new Error(`originals: ${s.label} herd did not answer IAMAT with AT`);
      scenarios.push({ name: 'herd-iamat', what: 'IAMAT (fresh time, so each floods) to the 5 servers in turn', systems });
    }

    const chosen = only ? scenarios.filter((s) => only.includes(s.name)) : scenarios;
    // Warm-up, not counted: node's JIT, python's allocator, the first connections.
    const warmupMs = Math.max(0, Number(values.warmup)) * 1000;
    if (warmupMs > 0) for (const s of chosen) for (const system of s.systems) await runLoad(s.name, system, 0, { ...shape, durationMs: warmupMs }, seq);
    const results: Run[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const s of chosen) {
        for (const system of s.systems) {
          const r = await runLoad(s.name, system, round, shape, seq);
          results.push(r);
          log(
            `round ${round} ${s.name} ${system.label}: ${r.requests} requests, ${r.requestsPerSecond} req/s, errors ${r.errors}, misses ${r.misses}, CPU ${r.cpuMs === undefined ? '-' : Math.round(r.cpuMs)} ms` +
              (r.peerMessages === undefined ? '' : `, peer messages ${r.peerMessages}`) +
              (r.firstError ? ` (first error: ${r.firstError})` : ''),
          );
        }
      }
    }
    const summaries = chosen.flatMap((s) => s.systems.map((sys) => summarize(results.filter((r) => r.scenario === s.name && r.system === sys.label))));
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ rounds, durationMs, connections, rate: rate ?? null, python: py, node: process.version, cpus: cpus().length, summaries, runs: results.map(({ latencies: _l, ...r }) => r) }, null, 2)}\n`);
    } else {
      process.stdout.write(
        `pibl vs the original Python systems: ${rounds} rounds x ${durationMs / 1000} s per system and scenario, interleaved (original, pibl, ...), ${rate ? `${rate} req/s on a fixed schedule (at most ${connections} in flight)` : `${connections} concurrent clients`}, one TCP connection per request\n` +
          `load generator: this process (node ${process.version}); originals: ${py.exe} ${py.version}; ${cpus().length} CPUs shared by all\n` +
          chosen.map((s) => `  ${s.name}: ${s.what}`).join('\n') +
          '\n\n' +
          `${table(summaries)}\n\n${ratios(summaries)}\n` +
          'CPU µs/req: utime+stime of all server processes of the system (origin+nodes+balancer, or the 5 herd servers), idle-to-idle; client µs/req: the load generator\'s own CPU; peer msg/req: AT lines received from peers per IAMAT\n',
      );
    }
    return 0;
  } finally {
    clearTimeout(watchdog);
    refuseNewChildren();
    await stopAll();
    rmSync(scratch, { recursive: true, force: true });
  }
}

// main's own finally stops every process it started, on an error too.
runAsScript(import.meta.url, 'originals', main);
