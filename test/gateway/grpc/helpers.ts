import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { loadConfig } from '../../../src/config/load.js';
import { startGateway, type GatewayService } from '../../../src/gateway/start.js';
import { waitFor } from '../../helpers/wait.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- grpc-js clients built from a .proto are untyped */

const PROTO = new URL('./fixtures/speech.proto', import.meta.url).pathname;
const definition = protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, defaults: true });
const speech = (grpc.loadPackageDefinition(definition).speech as grpc.GrpcObject).Speech as grpc.ServiceClientConstructor;

export type SpeechClient = grpc.Client & Record<'AddUser' | 'SynthesizeStream' | 'StreamAudio' | 'UploadAudio', (...args: any[]) => any>;

export const speechClient = (port: number, options: grpc.ClientOptions = {}): SpeechClient =>
  new speech(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options) as unknown as SpeechClient;

export interface SpeechBackend {
  readonly name: string;
  readonly port: number;
  /** Paths of the calls it received. */
  readonly calls: string[];
  /** Request metadata of every call, in order. */
  readonly metadata: grpc.Metadata[];
  /** Calls that saw 'cancelled'. */
  cancelled: number;
  /** Bytes StreamAudio has handed to grpc-js so far. */
  written: number;
  /** The deadline of every call as the backend saw it. */
  readonly deadlines: grpc.Deadline[];
  /** Graceful shutdown. */
  stop(): Promise<void>;
  /** Cuts every connection at once, as a crash would. */
  kill(): void;
}

export type Handlers = Partial<Record<'AddUser' | 'SynthesizeStream' | 'StreamAudio' | 'UploadAudio', (call: any, callback?: any) => void>>;

/** A real grpc-js speech server on 127.0.0.1; every answer names the server. */
export async function speechBackend(name: string, options: { port?: number; handlers?: Handlers } = {}): Promise<SpeechBackend> {
  const server = new grpc.Server();
  const backend: SpeechBackend = {
    name,
    port: 0,
    calls: [],
    metadata: [],
    cancelled: 0,
    written: 0,
    deadlines: [],
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
    kill: () => server.forceShutdown(),
  };
  const seen = (call: any) => {
    backend.calls.push(call.getPath());
    backend.metadata.push(call.metadata);
    backend.deadlines.push(call.getDeadline());
    call.on('cancelled', () => backend.cancelled++);
  };
  const defaults: Required<Handlers> = {
    AddUser(call, callback) {
      const answer = () => {
        if (call.cancelled) return;
        const echo = call.metadata.get('x-echo');
        const trailers = new grpc.Metadata();
        if (echo.length) {
          const head = new grpc.Metadata();
          head.set('x-echo-back', String(echo[0]));
          call.sendMetadata(head);
          trailers.set('x-trailer', `done-by-${name}`);
        }
        callback(null, { id: `${name}:${call.request.name}`, server: name }, trailers);
      };
      if (!call.request.delay_ms) return answer();
      const timer = setTimeout(answer, call.request.delay_ms);
      call.on('cancelled', () => clearTimeout(timer));
    },
    SynthesizeStream(call) {
      call.on('data', (chunk: { text: string }) => call.write({ audio: Buffer.from(`${name}:${chunk.text}`), server: name }));
      call.on('end', () => call.end());
      call.on('error', () => {});
    },
    StreamAudio(call) {
      const { chunks, chunk_bytes: size } = call.request as { chunks: number; chunk_bytes: number };
      const chunk = Buffer.alloc(size, 7);
      let sent = 0;
      // Writes only while grpc-js accepts: a backend that honours backpressure, as a real TTS server streaming audio would.
      const pump = () => {
        while (sent < chunks && !call.cancelled) {
          sent++;
          backend.written += size;
          if (!call.write({ audio: chunk, server: name })) return void call.once('drain', pump);
        }
        if (!call.cancelled) call.end();
      };
      call.on('error', () => {});
      pump();
    },
    UploadAudio(call, callback) {
      let chunks = 0;
      let bytes = 0;
      call.on('data', (c: { audio: Buffer }) => {
        chunks++;
        bytes += c.audio.length;
      });
      call.on('end', () => callback(null, { chunks, bytes, server: name }));
      call.on('error', () => {});
    },
  };
  const handlers = { ...defaults, ...options.handlers };
  const wrapped = Object.fromEntries(
    Object.entries(handlers).map(([method, handler]) => [method, (call: any, callback: any) => (seen(call), handler(call, callback))]),
  );
  server.addService(speech.service, wrapped as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return Object.assign(backend, { port });
}

export interface GrpcGateway {
  service: GatewayService;
  /** The gateway's gRPC port. */
  port: number;
  logs: string[];
  /** The seed-format server list and parser.ini it was started from. */
  serversFile: string;
  iniFile: string;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** Default: priority, the original proxy's rule. */
  strategy?: 'round_robin' | 'priority' | 'weighted' | 'least_loaded';
  /** Each server's `load` in the JSON list, in order (default 1). */
  loads?: number[];
  heartbeatS?: number;
  maxFails?: number;
  retries?: number;
  /** Extra parser.ini lines (section-less keys first). */
  ini?: string;
}

/**
 * Writes the original proxy's JSON server list and a parser.ini into a temp
 * folder, loads them as a user would (PROXY_SERVER_CONFIG, PROXY_SERVER_PORT
 * = 0) and starts a real gateway with TCP health probes.
 */
export async function grpcGateway(backends: { name: string; port: number }[], options: GatewayOptions = {}): Promise<GrpcGateway> {
  const { dir, files } = writeConfig(backends, options);
  const config = loadConfig({ file: files.ini, env: { PROXY_SERVER_CONFIG: files.servers, PROXY_SERVER_PORT: '0' }, cwd: dir });
  const logs: string[] = [];
  let service: GatewayService;
  try {
    service = await startGateway(config, { logSink: { write: (line: string) => void logs.push(line) } });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    service,
    port: service.grpcPort!,
    logs,
    serversFile: files.servers,
    iniFile: files.ini,
    close: async () => {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The usual set-up of a test: a gateway over `backends`, a client to its
 * gRPC port, both closed and the backends killed after the test, and every
 * backend probed once before the test goes on.
 */
export async function throughGateway(
  t: { after(fn: () => unknown): void },
  backends: SpeechBackend[],
  options: GatewayOptions = {},
  clientOptions: grpc.ClientOptions = {},
): Promise<{ gw: GrpcGateway; client: SpeechClient }> {
  const gw = await grpcGateway(backends, options);
  const client = speechClient(gw.port, clientOptions);
  t.after(async () => {
    client.close();
    await gw.close();
    for (const b of backends) b.kill();
  });
  await waitFor('first probes', () => gw.service.pool.all.every((b) => b.lastProbe !== null));
  return { gw, client };
}

/** The config files of grpcGateway, for a gateway run as a child process. */
export function writeConfig(backends: { name: string; port: number }[], options: GatewayOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pibl-grpc-'));
  const servers = join(dir, 'servers.json');
  const ini = join(dir, 'parser.ini');
  const heartbeat = options.heartbeatS ?? 0.1;
  writeFileSync(
    servers,
    JSON.stringify({
      heartbeatInterval: heartbeat,
      heartbeatTimeout: 1,
      servers: backends.map((b, i) => ({ priority: i, name: b.name, address: '127.0.0.1', port: b.port, load: options.loads?.[i] ?? 1 })),
    }),
  );
  writeFileSync(
    ini,
    [
      'host = 127.0.0.1',
      'port = 0',
      options.ini ?? '',
      '[balancer]',
      `strategy = ${options.strategy ?? 'priority'}`,
      'health_check = tcp',
      `max_fails = ${options.maxFails ?? 2}`,
      `retries = ${options.retries ?? 2}`,
      '[cache]',
      'enabled = false',
      '',
    ].join('\n'),
  );
  return { dir, files: { servers, ini } };
}

export interface CallResult<T> {
  value: T | null;
  error: grpc.ServiceError | null;
  headers: grpc.Metadata | null;
  status: grpc.StatusObject;
}

/** A unary AddUser call with everything the client saw. */
export function addUser(
  client: SpeechClient,
  request: { name: string; delay_ms?: number },
  options: { metadata?: grpc.Metadata; deadlineMs?: number } = {},
): Promise<CallResult<{ id: string; server: string }>> {
  return new Promise((resolve) => {
    let headers: grpc.Metadata | null = null;
    let value: { id: string; server: string } | null = null;
    let error: grpc.ServiceError | null = null;
    let settled = 0;
    let status: grpc.StatusObject;
    // The callback and 'status' come in either order; answer once both did.
    const settle = () => ++settled === 2 && resolve({ value, error, headers, status });
    const callOptions: grpc.CallOptions = options.deadlineMs ? { deadline: Date.now() + options.deadlineMs } : {};
    const call = client.AddUser(request, options.metadata ?? new grpc.Metadata(), callOptions, (err: grpc.ServiceError | null, reply: any) => {
      error = err;
      value = reply ?? null;
      settle();
    });
    call.on('metadata', (md: grpc.Metadata) => (headers = md));
    call.on('status', (s: grpc.StatusObject) => {
      status = s;
      settle();
    });
  });
}

export { waitFor };

export { grpc };
