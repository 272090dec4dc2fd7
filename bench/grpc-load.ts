/**
 * gRPC unary load: calls/s and latency p50/p99, straight to a grpc-js
 * backend ("direct") and through pibl's gRPC listener ("pibl"), at one
 * concurrency, each for a bounded time. Backend, gateway and load generator
 * share this one process (and one event loop), so the figures compare the
 * two paths on equal terms rather than measure either at its limit.
 *
 *   node --import tsx bench/grpc-load.ts [--concurrency 32] [--duration 5000] [--json]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { loadConfig } from '../src/config/load.js';
import { startGateway } from '../src/gateway/start.js';

export interface GrpcBenchOptions {
  /** Calls kept in flight at once (default 32). */
  concurrency?: number;
  /** Measured time per target in ms (default 5000), in turns with the other target, after a warm-up of a fifth of it. */
  durationMs?: number;
}

export interface GrpcTargetResult {
  target: 'direct' | 'pibl';
  calls: number;
  errors: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface GrpcBenchResult {
  concurrency: number;
  durationMs: number;
  results: GrpcTargetResult[];
}

// One unary method, described inline so the bench needs no .proto file.
const definition = protoLoader.fromJSON({
  nested: {
    bench: {
      nested: {
        Echo: { methods: { Say: { requestType: 'Msg', responseType: 'Msg', comment: 'echoes its message' } } },
        Msg: { fields: { text: { type: 'string', id: 1 } } },
      },
    },
  },
});
const Echo = (grpc.loadPackageDefinition(definition).bench as grpc.GrpcObject).Echo as grpc.ServiceClientConstructor;
type EchoClient = grpc.Client & { Say(req: { text: string }, cb: (err: grpc.ServiceError | null) => void): void };

async function startBackend(): Promise<{ port: number; stop(): void }> {
  const server = new grpc.Server();
  server.addService(Echo.service, {
    Say: (call: grpc.ServerUnaryCall<{ text: string }, { text: string }>, cb: grpc.sendUnaryData<{ text: string }>) => cb(null, { text: call.request.text }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, stop: () => server.forceShutdown() };
}

async function startPibl(backendPort: number) {
  const dir = mkdtempSync(join(tmpdir(), 'pibl-grpc-bench-'));
  const file = join(dir, 'parser.ini');
  writeFileSync(
    file,
    [
      'host = 127.0.0.1',
      'port = 0',
      'quiet = true',
      `ip_server1 = 127.0.0.1:${backendPort}`,
      '[balancer]',
      'strategy = priority',
      'health_check = tcp',
      '[cache]',
      'enabled = false',
      '[grpc]',
      'port = 0',
      '',
    ].join('\n'),
  );
  try {
    const config = loadConfig({ file, env: {}, cwd: dir });
    return await startGateway(config, { logSink: { write: () => {} } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Turns each target gets; its measured time is split among them. */
const TURNS = 5;

const percentile = (sorted: Float64Array, p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : NaN);

/** `concurrency` loops of back-to-back calls on one channel for `ms`; latencies of the calls that completed inside the window. */
async function load(client: EchoClient, concurrency: number, ms: number): Promise<{ latencies: number[]; errors: number; seconds: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + ms;
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const err = await new Promise<grpc.ServiceError | null>((resolve) => client.Say({ text: 'hola' }, resolve));
      if (err) errors++;
      else latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { latencies, errors, seconds: (performance.now() - start) / 1000 };
}

/**
 * Both targets in turns (direct, pibl, direct, pibl...) so that whatever
 * else the machine is doing weighs on both alike; each target's calls and
 * latencies are summed over its turns.
 */
async function measureInTurns(ports: Record<GrpcTargetResult['target'], number>, concurrency: number, durationMs: number, turns: number) {
  const targets = Object.keys(ports) as GrpcTargetResult['target'][];
  const clients = new Map(targets.map((t) => [t, new Echo(`127.0.0.1:${ports[t]}`, grpc.credentials.createInsecure()) as unknown as EchoClient]));
  const totals = new Map(targets.map((t) => [t, { latencies: [] as number[], errors: 0, seconds: 0 }]));
  try {
    for (const t of targets) await load(clients.get(t)!, concurrency, Math.max(200, durationMs / 5));
    for (let turn = 0; turn < turns; turn++) {
      for (const t of targets) {
        const r = await load(clients.get(t)!, concurrency, durationMs / turns);
        const total = totals.get(t)!;
        for (const l of r.latencies) total.latencies.push(l);
        total.errors += r.errors;
        total.seconds += r.seconds;
      }
    }
  } finally {
    for (const client of clients.values()) client.close();
  }
  return targets.map((target): GrpcTargetResult => {
    const { latencies, errors, seconds } = totals.get(target)!;
    const sorted = Float64Array.from(latencies).sort();
    return {
      target,
      calls: latencies.length,
      errors,
      callsPerSecond: Math.round(latencies.length / seconds),
      p50Ms: Number(percentile(sorted, 50).toFixed(3)),
      p99Ms: Number(percentile(sorted, 99).toFixed(3)),
    };
  });
}

export async function runGrpcBench(options: GrpcBenchOptions = {}): Promise<GrpcBenchResult> {
  const concurrency = options.concurrency ?? 32;
  const durationMs = options.durationMs ?? 5000;
  const backend = await startBackend();
  const gateway = await startPibl(backend.port);
  try {
    const results = await measureInTurns({ direct: backend.port, pibl: gateway.grpcPort! }, concurrency, durationMs, TURNS);
    return { concurrency, durationMs, results };
  } finally {
    await gateway.close();
    backend.stop();
  }
}

export function formatGrpcBench(result: GrpcBenchResult): string {
  const lines = [
    `gRPC unary, concurrency ${result.concurrency}, ${result.durationMs} ms per target in ${TURNS} turns each (backend, gateway and client in one process)`,
    'target   calls/s   p50 ms   p99 ms   errors',
  ];
  for (const r of result.results) {
    lines.push(`${r.target.padEnd(8)} ${String(r.callsPerSecond).padStart(7)}   ${r.p50Ms.toFixed(3).padStart(6)}   ${r.p99Ms.toFixed(3).padStart(6)}   ${r.errors}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    const value = i > 0 ? Number(process.argv[i + 1]) : undefined;
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      process.stderr.write(`grpc-load: --${name} must be a positive integer\n`);
      process.exit(2);
    }
    return value;
  };
  const concurrency = arg('concurrency');
  const durationMs = arg('duration');
  const result = await runGrpcBench({ ...(concurrency ? { concurrency } : {}), ...(durationMs ? { durationMs } : {}) });
  process.stdout.write(`${formatGrpcBench(result)}\n`);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
}
