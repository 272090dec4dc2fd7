import { createServer, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { PiblError, portInUse } from '../../common/errors.js';
import type { Strategy } from '../../common/strategies.js';
import type { AccessLog } from '../access-log.js';
import type { Backend, BackendPool } from '../backend-pool.js';
import type { HealthChange, HealthMonitor } from '../health-monitor.js';
import { BackendSessions } from './backend-sessions.js';
import { ProxiedCall, type CallContext } from './call.js';
import { GrpcMetrics } from './metrics.js';

export interface GrpcListenerOptions {
  host: string;
  port: number;
  pool: BackendPool;
  health: HealthMonitor;
  strategy: Strategy<Backend>;
  registry: Registry;
  log: AccessLog;
  /** Other backends tried when one cannot be connected to. */
  retries: number;
  connectTimeoutMs: number;
  /** How long calls in flight get to finish on close (default 10 s). */
  drainTimeoutMs?: number;
}

export interface GrpcListener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * HTTP/2 stream windows bound what the gateway holds per call when one side
 * reads slower than the other writes: 256 KiB (four times node's default, so
 * audio streams are not one round trip per 64 KiB) times at most 1000
 * concurrent calls per client connection.
 */
const STREAM_WINDOW = 256 * 1024;
const MAX_STREAMS_PER_CLIENT = 1000;
/**
 * The connection window is released as soon as data arrives (node does so;
 * the stream windows do the bounding), so it only limits throughput: make it
 * large enough that many calls on one connection do not wait on each other.
 */
const CONNECTION_WINDOW = 16 * 1024 * 1024;
/**
 * Node refuses new streams on a session past this many MB of frames queued
 * to send (10 by default). Every call to a backend shares one session, and a
 * client connection may carry up to 1000 calls, each with its own write
 * buffer: allow for that instead of turning busy calls away.
 */
const BACKEND_SESSION_MEMORY_MB = 256;
const CLIENT_SESSION_MEMORY_MB = 64;

/**
 * The original gRPC proxy, as a listener of the gateway: HTTP/2 cleartext
 * in, each call forwarded to a backend of the shared pool chosen by the
 * shared strategy, with the gateway's health monitor deciding who is live.
 */
export async function startGrpcListener(options: GrpcListenerOptions): Promise<GrpcListener> {
  const sessions = new BackendSessions({
    connectTimeoutMs: options.connectTimeoutMs,
    http2: { settings: { initialWindowSize: STREAM_WINDOW }, maxSessionMemory: BACKEND_SESSION_MEMORY_MB },
    connectionWindow: CONNECTION_WINDOW,
  });
  const metrics = new GrpcMetrics(options.registry);
  const ctx: CallContext = {
    pool: options.pool,
    health: options.health,
    strategy: options.strategy,
    sessions,
    retries: options.retries,
    onStart: () => metrics.started(),
    onDone(outcome) {
      metrics.observe(outcome.path, outcome.status, outcome.seconds);
      options.log.request({
        clientIp: outcome.clientIp,
        method: 'POST',
        path: outcome.path,
        status: outcome.httpStatus,
        seconds: outcome.seconds,
        upstream: outcome.backend?.address,
        cache: undefined,
        grpcStatus: outcome.status,
      });
    },
  };

  const onHealthChange = ({ backend, healthy }: HealthChange) => {
    if (!healthy) sessions.drop(backend);
  };
  options.health.on('change', onHealthChange);

  const server = createServer({
    settings: { initialWindowSize: STREAM_WINDOW, maxConcurrentStreams: MAX_STREAMS_PER_CLIENT },
    maxSessionMemory: CLIENT_SESSION_MEMORY_MB,
  });
  const clients = new Set<ServerHttp2Session>();
  server.on('session', (session: ServerHttp2Session) => {
    clients.add(session);
    session.setLocalWindowSize(CONNECTION_WINDOW);
    session.on('error', () => {});
    session.once('close', () => clients.delete(session));
  });
  // A client speaking HTTP/1.1 or garbage to the h2c port: its session fails, nothing else does.
  server.on('sessionError', () => {});
  server.on('stream', (stream, headers) => new ProxiedCall(ctx, stream, headers).start());

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      options.health.off('change', onHealthChange);
      sessions.destroy();
      reject(
        err.code === 'EADDRINUSE'
          ? portInUse(options.host, options.port, 'gRPC listener')
          : new PiblError('PIBL_ERR_LISTEN', `gRPC listener: cannot listen on ${options.host}:${options.port}: ${err.message}`),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    port,
    close() {
      options.health.off('change', onHealthChange);
      closing ??= new Promise<void>((resolve) => {
        // GOAWAY to every client: calls in flight finish, new ones go elsewhere.
        server.close(() => resolve());
        for (const session of clients) session.close();
        const drain = setTimeout(() => {
          for (const session of clients) session.destroy();
        }, options.drainTimeoutMs ?? 10_000);
        drain.unref();
      }).then(() => sessions.close());
      return closing;
    },
  };
}
