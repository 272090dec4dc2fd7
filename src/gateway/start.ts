import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Fastify from 'fastify';
import type { Registry } from 'prom-client';
import { createRegistry } from '../common/metrics.js';
import type { Service } from '../common/service.js';
import { createStrategy } from '../common/strategies.js';
import { followLoad } from '../common/balanced-target.js';
import type { Config } from '../config/types.js';
import { AccessLog, type LogSink } from './access-log.js';
import { gatewayPlugins, type GatewayPlugin } from './adapters/index.js';
import { adminRoutes, type CacheAdmin } from './admin-routes.js';
import { dashboardRoutes } from './dashboard/index.js';
import { BackendPool, type Backend } from './backend-pool.js';
import { onClientError, onConnectRequest } from './client-error.js';
import { badRequest, sendError, useJsonErrors } from './http-errors.js';
import { HealthMonitor } from './health-monitor.js';
import { GatewayMetrics, registerCacheMetrics, registerFastLaneMetrics } from './metrics.js';
import { createProxyHandler, type CacheHandler } from './proxy-handler.js';
import { Upstream } from './upstream.js';
import { createUpgradeHandler } from './websocket.js';
import { FastLane } from './front/fast-lane.js';
import { PiblError, portInUse } from '../common/errors.js';

/** Idle time allowed between two requests of a client connection. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

export interface GatewayService extends Service {
  /** The gRPC listener's port when [grpc] port is set. */
  readonly grpcPort: number | null;
  readonly pool: BackendPool;
  readonly health: HealthMonitor;
  readonly registry: Registry;
  readonly log: AccessLog;
}

export type GatewayCache = CacheHandler & CacheAdmin & { close(): Promise<void> };

export interface GatewayDeps {
  /** Where log lines go (default stdout). */
  logSink?: LogSink;
  /** Replaces the response cache made from [cache] (null: none). */
  cache?: GatewayCache | null;
  /**
   * Fastify plugins (the kv and herd adapters, the dashboard), each given the
   * gateway's registry; default: the adapters of gatewayPlugins(config).
   */
  plugins?: GatewayPlugin[];
}

/**
 * Wires the gateway: config -> backends, health, strategy, cache, proxy,
 * admin routes -> one node:http server. Fastify serves the gateway's own
 * routes; every other path goes to the proxy handler directly.
 */
export async function startGateway(config: Config, deps: GatewayDeps = {}): Promise<GatewayService> {
  const g = config.gateway;
  const log = new AccessLog({ format: g.logFormat, file: g.logFile, quiet: g.quiet, ...(deps.logSink ? { destination: deps.logSink } : {}) });
  const pool = new BackendPool(config.backends, g);
  const health = new HealthMonitor(pool, config.balancer);
  const strategy = createStrategy<Backend>(config.balancer.strategy);
  followLoad(pool.all, strategy);
  const registry = createRegistry();
  const metrics = new GatewayMetrics(registry, () => pool.all);
  const cache: GatewayCache | null =
    deps.cache !== undefined ? deps.cache : config.cache.enabled ? (await import('./cache/index.js')).createResponseCache(config.cache) : null;
  const upstream = new Upstream({
    pool,
    strategy,
    health,
    retries: config.balancer.retries,
    retryAfterS: Math.max(1, Math.ceil(config.balancer.heartbeatIntervalMs / 1000)),
  });
  if (cache) registerCacheMetrics(registry, () => cache.stats());
  upstream.onAttempt = (backend, error) => {
    if (error) metrics.backendFailures.inc({ backend: backend.name, reason: error });
  };
  health.on('change', ({ backend, healthy, reason }) => {
    metrics.backendChanges.inc({ backend: backend.name, state: healthy ? 'up' : 'down' });
    log[healthy ? 'info' : 'warn'](`Backend ${backend.name} (${backend.address}) is ${healthy ? 'back up' : 'down'}: ${reason}`, {
      backend: backend.name,
      healthy,
      reason,
    });
  });

  const ownPrefixes = [g.adminPrefix, g.kvPrefix, g.herdPrefix, '/metrics'];
  const isOwnRoute = (url: string) =>
    ownPrefixes.some((p) => url.startsWith(p) && (url.length === p.length || url[p.length] === '/' || url[p.length] === '?'));

  const proxy = createProxyHandler({
    upstream,
    cache,
    selfHost: `${g.host}:${g.port}`,
    onDone(ctx, status, seconds) {
      metrics.inFlight--;
      const backend = ctx.backend ? pool.named(ctx.backend) : undefined;
      metrics.observe(ctx.backend, ctx.method, status, ctx.cacheResult, seconds);
      log.request({ clientIp: ctx.clientIp, method: ctx.method, path: ctx.path, status, seconds, upstream: backend?.address, cache: ctx.cacheResult });
    },
  });

  let server!: Server;
  const app = Fastify({
    logger: false,
    // The gateway's own routes are small JSON; proxied bodies never pass through Fastify.
    bodyLimit: 1024 * 1024,
    // Malformed URLs and the like never reach a route: answer them in the gateway's JSON error shape too.
    frameworkErrors: (err, _request, reply) => {
      void sendError(reply, badRequest(err.message));
    },
    serverFactory: (fastifyHandler) => {
      server = createServer(
        {
          maxHeaderSize: g.bufferSize,
          headersTimeout: g.headersTimeoutMs,
          // Node checks the head deadline on this interval (30 s by default), which would let a slowloris outlive headers_timeout.
          connectionsCheckingInterval: Math.max(100, Math.min(1_000, g.headersTimeoutMs / 2)),
          requestTimeout: 0,
          // The proxy path checks Host itself and answers in the gateway's JSON error shape (proxy-handler refuseHead).
          requireHostHeader: false,
          keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
          noDelay: true,
        },
        (req: IncomingMessage, res: ServerResponse) => {
          if (isOwnRoute(req.url ?? '/')) fastifyHandler(req, res);
          else {
            metrics.inFlight++;
            proxy.fromNode(req, res);
          }
        },
      );
      return server;
    },
  });
  useJsonErrors(app, 'gateway');
  await app.register(adminRoutes, { adminPrefix: g.adminPrefix, adminToken: g.adminToken, pool, strategy: strategy.name, registry, cache, startedAt: new Date() });
  await app.register(dashboardRoutes, { adminPrefix: g.adminPrefix, kvPrefix: g.kvPrefix, herdPrefix: g.herdPrefix, registry });
  for (const plugin of deps.plugins ?? gatewayPlugins(config)) await app.register(plugin, { registry });

  // Ahead of node:http for each connection; node gets every connection the lane hands off.
  const lane = new FastLane(server, {
    maxHeadBytes: g.bufferSize,
    keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
    idleTimeoutMs: g.idleTimeoutMs,
    headersTimeoutMs: g.headersTimeoutMs,
    leaveToNode: isOwnRoute,
    serve(req, res) {
      metrics.inFlight++;
      proxy.fromLane(req, res);
    },
  });
  registerFastLaneMetrics(registry, () => lane.stats);
  server.maxConnections = g.maxConn;
  // A client that half-closes after its request (`printf ... | nc`) still
  // gets its answer, as from nginx or HAProxy; node's default aborts the
  // request on EOF, after it was forwarded, and closes without one.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  server.on('drop', () => metrics.refused.inc());
  server.setTimeout(g.idleTimeoutMs);
  server.removeAllListeners('clientError');
  server.on('clientError', onClientError);
  server.on('connect', onConnectRequest);
  server.on('upgrade', createUpgradeHandler(pool, strategy, health, g.connectTimeoutMs));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  try {
    await app.listen({ host: g.host, port: g.port });
  } catch (err) {
    await pool.destroy();
    await cache?.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw portInUse(g.host, g.port, 'gateway');
    throw new PiblError('PIBL_ERR_LISTEN', `gateway: cannot listen on ${g.host}:${g.port}: ${(err as Error).message}`);
  }
  health.start();
  const grpc = config.grpc.port === null
    ? null
    : await (await import('./grpc/index.js')).startGrpcListener({
        host: g.host,
        port: config.grpc.port,
        pool,
        health,
        strategy,
        registry,
        log,
        retries: config.balancer.retries,
        connectTimeoutMs: g.connectTimeoutMs,
        drainTimeoutMs: g.drainTimeoutMs,
      }).catch(async (err: unknown) => {
        health.stop();
        await app.close();
        await pool.destroy();
        throw err;
      });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : g.port;
  log.info(`Server started successfully [${port}]`, { port });
  if (grpc) log.info(`gRPC listener started [${grpc.port}]`, { grpcPort: grpc.port });
  log.info(`Backends (${config.balancer.strategy}): ${pool.all.map((b) => `${b.name}=${b.address}`).join(', ')}`);

  let closing: Promise<void> | null = null;
  return {
    name: 'gateway',
    host: g.host,
    port,
    grpcPort: grpc?.port ?? null,
    pool,
    health,
    registry,
    log,
    close() {
      closing ??= (async () => {
        health.stop();
        const grpcClosed = grpc?.close();
        // Stop accepting; idle keep-alive sockets go now, busy ones after their answer.
        const closed = app.close();
        lane.close();
        // Keep-alive sockets turn idle as their last answers finish; close each as it does.
        const sweep = setInterval(() => {
          server.closeIdleConnections();
          lane.closeIdle();
        }, 50);
        const drain = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, g.drainTimeoutMs);
        drain.unref();
        await closed;
        await grpcClosed;
        clearInterval(sweep);
        clearTimeout(drain);
        await pool.close();
        await cache?.close();
        log.close();
      })();
      return closing;
    },
  };
}
