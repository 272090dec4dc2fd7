/**
 * Load generator for the herd, in the spirit of the original project's
 * benchmark.py: workers at a chosen concurrency send 70% IAMAT and 30% WHATSAT
 * to random servers, one connection per request as the CS131 clients do, and
 * report requests/s and latency percentiles per kind. Alongside, probes
 * measure flood completion: the time from an IAMAT being sent until all five
 * servers hold the report.
 *
 * It starts its own five servers in this process on free 127.0.0.1 ports
 * (the Spring 2021 topology, offline places), runs for `durationMs`, and closes
 * everything. Load generator and servers share one event loop, so the figures
 * compare runs with each other; they are not a capacity claim.
 *
 *   node --import tsx bench/herd-load.ts [--connections 32] [--duration 5] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DEFAULT_HERD } from '../src/config/schema.js';
import { latencySummary, type LatencySummary } from './latency-summary.js';
import type { HerdConfig } from '../src/config/types.js';
import { sendHerdLine } from '../src/herd/client.js';
import { formatIamat, formatWhatsat } from '../src/herd/messages.js';
import { OfflinePlaces } from '../src/herd/places/offline.js';
import { startHerdServer } from '../src/herd/server.js';
import type { HerdService } from '../src/herd/types.js';
import { loadScriptOptions } from './script-flags.js';

export interface HerdBenchOptions {
  /** Requests in flight at once. */
  connections: number;
  durationMs: number;
  /** Share of IAMAT among requests (default 0.7, the original's mix). */
  iamatShare?: number;
}

export interface Percentiles extends LatencySummary {
  count: number;
}

export interface HerdBenchResult {
  connections: number;
  durationMs: number;
  requests: number;
  /** Answers that were not an AT (or no answer at all). */
  errors: number;
  requestsPerSecond: number;
  latencyMs: { all: Percentiles; iamat: Percentiles; whatsat: Percentiles };
  /** IAMAT sent -> all five servers hold the report, sampled by probes. */
  floodCompletionMs: Percentiles & { incomplete: number };
  /** AT lines handed to neighbours, summed over the five servers. */
  floodLinesSent: number;
  /** Server-to-server connections those lines took (several lines share one under load). */
  peerConnections: number;
}

const HOST = '127.0.0.1';
const LOCATIONS = ['+34.068930-118.445127', '+37.427475-122.169719', '+40.712776-074.005974', '+51.507351-000.127758', '+35.689487+139.691711'];
const FLOOD_BOUND_MS = 5_000;

async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, HOST, ok));
      servers.push(server);
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  }
}

const percentiles = (values: number[]): Percentiles => ({ count: values.length, ...latencySummary(values) });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const posixTime = () => (Date.now() / 1000).toFixed(9);

export async function runHerdBench(options: HerdBenchOptions): Promise<HerdBenchResult> {
  const iamatShare = options.iamatShare ?? 0.7;
  const logDir = mkdtempSync(join(tmpdir(), 'pibl-herd-bench-'));
  const ports = await freePorts(DEFAULT_HERD.length);
  const herd: HerdConfig = {
    host: HOST,
    places: 'offline',
    placesUrl: '',
    placesApiKey: '',
    placesTimeoutMs: 5_000,
    logDir,
    servers: DEFAULT_HERD.map((s, i) => ({ name: s.name, port: ports[i]!, neighbors: [...s.neighbors] })),
  };
  const servers: HerdService[] = [];
  try {
    const places = new OfflinePlaces();
    for (const s of herd.servers) servers.push(await startHerdServer({ name: s.name, herd, places }));
    // Load the gazetteer before measuring, so the first WHATSATs do not pay for it.
    await places.nearby(0, 0, 1, 1);
    const target = (i: number) => ({ host: HOST, port: servers[i % servers.length]!.port, timeoutMs: 10_000 });

    // Every client is known everywhere before the run, so each WHATSAT has an answer.
    const clients = Array.from({ length: Math.max(10, options.connections * 2) }, (_, i) => `bench-${i}.cs.ucla.edu`);
    await Promise.all(clients.map((c, i) => sendHerdLine(target(i), formatIamat(c, LOCATIONS[i % LOCATIONS.length]!, posixTime()))));
    for (let i = 0; i < 200 && !clients.every((c) => servers.every((s) => s.lookup(c))); i++) await sleep(10);

    const latency = { iamat: [] as number[], whatsat: [] as number[] };
    let errors = 0;
    let next = 0;
    const started = performance.now();
    const deadline = started + options.durationMs;

    const worker = async () => {
      while (performance.now() < deadline) {
        const n = next++;
        const client = clients[n % clients.length]!;
        const iamat = Math.random() < iamatShare;
        const line = iamat ? formatIamat(client, LOCATIONS[n % LOCATIONS.length]!, posixTime()) : formatWhatsat(client, 10, 5);
        const t0 = performance.now();
        try {
          const answer = await sendHerdLine(target(Math.floor(Math.random() * servers.length)), line);
          if (!answer.startsWith('AT ')) errors++;
        } catch {
          errors++;
        }
        (iamat ? latency.iamat : latency.whatsat).push(performance.now() - t0);
      }
    };

    const floods: number[] = [];
    let incomplete = 0;
    const probe = async () => {
      for (let p = 0; performance.now() < deadline; p++) {
        const client = `probe-${p}.bench`;
        const t0 = performance.now();
        const at = await sendHerdLine(target(p), formatIamat(client, '+0+0', posixTime())).catch(() => '');
        const line = at.trimEnd();
        let done = false;
        // Polls the in-process stores; setImmediate keeps the probe's own cost low.
        while (!done && performance.now() - t0 < FLOOD_BOUND_MS) {
          done = servers.every((s) => s.lookup(client)?.at === line);
          if (!done) await new Promise((r) => setImmediate(r));
        }
        if (done) floods.push(performance.now() - t0);
        else incomplete++;
        await sleep(50);
      }
    };

    await Promise.all([...Array.from({ length: options.connections }, worker), probe()]);
    const elapsed = performance.now() - started;
    const all = [...latency.iamat, ...latency.whatsat];
    return {
      connections: options.connections,
      durationMs: Math.round(elapsed),
      requests: all.length,
      errors,
      requestsPerSecond: Math.round((all.length / elapsed) * 1000),
      latencyMs: { all: percentiles(all), iamat: percentiles(latency.iamat), whatsat: percentiles(latency.whatsat) },
      floodCompletionMs: { ...percentiles(floods), incomplete },
      floodLinesSent: servers.reduce((sum, s) => sum + s.counters().floodsSent, 0),
      peerConnections: servers.reduce((sum, s) => sum + s.counters().peerConnections, 0),
    };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(logDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { connections, durationMs, json } = loadScriptOptions(process.argv.slice(2), 5);
  const r = await runHerdBench({ connections, durationMs });
  if (json) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return;
  }
  const row = (name: string, p: Percentiles) =>
    [name.padEnd(18), String(p.count).padStart(9), String(p.mean).padStart(8), String(p.p50).padStart(8), String(p.p90).padStart(8), String(p.p99).padStart(8), String(p.max).padStart(9)].join(' ');
  process.stdout.write(
    `herd, 5 servers, ${connections} connections, ${r.durationMs / 1000} s, 70% IAMAT / 30% WHATSAT, one connection per request (node ${process.version}, loopback, one process)\n` +
      `requests ${r.requests}, errors ${r.errors}, ${r.requestsPerSecond} req/s, ${r.floodLinesSent} AT lines flooded over ${r.peerConnections} peer connections\n` +
      `${'ms'.padEnd(18)} ${'count'.padStart(9)} ${'mean'.padStart(8)} ${'p50'.padStart(8)} ${'p90'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(9)}\n` +
      `${row('all requests', r.latencyMs.all)}\n${row('IAMAT', r.latencyMs.iamat)}\n${row('WHATSAT', r.latencyMs.whatsat)}\n` +
      `${row('flood to all five', r.floodCompletionMs)}  (incomplete within ${FLOOD_BOUND_MS / 1000} s: ${r.floodCompletionMs.incomplete})\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`herd-load: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
