import { createServer, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { PiblError, portInUse } from '../../common/errors.js';
import type { Strategy } from '../../common/strategies.js';
import type { AccessLog } from '../access-log.js';
import type { Backend, BackendPool } from '../backend-pool.js';
import type { HealthMonitor } from '../health-monitor.js';
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
 * Larger HTTP/2 windows than the 64 KiB default, so a stream of audio chunks
 * is not one round trip per 64 KiB; still a fixed bound per stream, so a
 * slow reader stops the backend instead of filling the gateway's memory.
 */
const SETTINGS = { initialWindowSize: 1024 * 1024 };

/**
 * The original gRPC proxy, as a listener of the gateway: HTTP/2 cleartext
 * in, each call forwarded to a backend of the shared pool chosen by the
 * shared strategy, with the gateway's health monitor deciding who is live.
 */
export async function startGrpcListener(options: GrpcListenerOptions): Promise<GrpcListener> {
  const sessions = new BackendSessions({ connectTimeoutMs: options.connectTimeoutMs, settings: SETTINGS });
  const metrics = new GrpcMetrics(options.registry);
  const ctx: CallContext = {
    pool: options.pool,
    health: options.health,
    strategy: options.strategy,
    sessions,
    retries: options.retries,
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
      });
    },
  };

  const server = createServer({ settings: SETTINGS });
  const clients = new Set<ServerHttp2Session>();
  server.on('session', (session: ServerHttp2Session) => {
    clients.add(session);
    session.on('error', () => {});
    session.once('close', () => clients.delete(session));
  });
  // A client speaking HTTP/1.1 or garbage to the h2c port: its session fails, nothing else does.
  server.on('sessionError', () => {});
  server.on('stream', (stream, headers) => new ProxiedCall(ctx, stream, headers).start());

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
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
