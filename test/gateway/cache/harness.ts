import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'undici';
import type { CacheStats } from '../../../src/gateway/cache/index.js';
import { startGateway, type GatewayService } from '../../../src/gateway/start.js';
import { backendLines, configFromIni } from '../../helpers/config.js';
import { logLines } from '../../helpers/gateway.js';
import { httpServer } from '../../helpers/servers.js';

/**
 * The cache tests' world: real backends (node:http on ephemeral loopback
 * ports) behind a real gateway (startGateway, which makes its ResponseCache
 * from `[cache]`), driven over HTTP with undici; stats and purges go through
 * the gateway's admin routes. Everything started here is closed by the
 * test's `after` hooks.
 */

interface Cleanup {
  after(fn: () => unknown): void;
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** `n` counts the requests for this URL so far, this one included (1-based). */
export type BackendHandler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

export interface Backend {
  port: number;
  /** Requests seen, health probes excluded. */
  seen: SeenRequest[];
  /** How many requests for `url` (path and query) it saw; all of them without `url`. */
  count(url?: string): number;
  handler: BackendHandler;
  /** Stops at once, cutting open connections, as a crash would. */
  kill(): Promise<void>;
}

export async function backend(t: Cleanup, handler: BackendHandler): Promise<Backend> {
  const seen: SeenRequest[] = [];
  const perUrl = new Map<string, number>();
  const result: Backend = {
    port: 0,
    seen,
    count: (url) => (url === undefined ? seen.length : seen.filter((r) => r.url === url).length),
    handler,
    kill: async () => {},
  };
  const server = await httpServer((req, res) => {
    if (req.headers['user-agent'] === 'pibl-health-check') {
      res.end('ok');
      return;
    }
    const url = req.url ?? '/';
    const n = (perUrl.get(url) ?? 0) + 1;
    perUrl.set(url, n);
    seen.push({ method: req.method ?? 'GET', url, headers: req.headers });
    result.handler(req, res, n);
  });
  result.port = server.port;
  let killed = false;
  result.kill = async () => {
    if (killed) return;
    killed = true;
    await server.kill();
  };
  t.after(() => result.kill());
  return result;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface CacheGateway {
  url: string;
  service: GatewayService;
  logs: string[];
  /** The cache's counters, from GET /-/status. */
  stats(): Promise<CacheStats>;
  /** DELETE /-/cache[?url=]: how many entries went. */
  purge(url?: string): Promise<number>;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  send(method: string, path: string, options?: { headers?: Record<string, string>; body?: string }): Promise<Answer>;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** The section-less `ttl` key (seconds of heuristic freshness); the default is the built-in one. */
  ttl?: number;
  /** Extra `[cache]` lines: grace, max_bytes, max_object_bytes, store, dir. */
  cacheIni?: string;
}

/**
 * A gateway in front of `backends` with the cache on. Active
 * probes are slowed down so that they never count in the tests; a killed
 * backend is ejected on its first failed request (max_fails = 1).
 */
export async function cacheGateway(t: Cleanup, backends: Array<Backend | number>, options: GatewayOptions = {}): Promise<CacheGateway> {
  const ports = backends.map((b) => (typeof b === 'number' ? b : b.port));
  const ttl = options.ttl === undefined ? '' : `ttl = ${options.ttl}\n`;
  const config = configFromIni(
    `${ttl}${backendLines(ports)}\n[balancer]\nheartbeat_interval = 3600\nmax_fails = 1\n[cache]\nenabled = true\n${options.cacheIni ?? ''}\n`,
  );
  const sink = logLines();
  const service = await startGateway(config, { logSink: sink });
  const url = `http://127.0.0.1:${service.port}`;
  let closed: Promise<void> | null = null;
  const gateway: CacheGateway = {
    url,
    service,
    logs: sink.lines,
    stats: async () => JSON.parse((await send(url, 'GET', '/-/status', {})).body).cache as CacheStats,
    purge: async (target) => {
      const query = target === undefined ? '' : `?url=${encodeURIComponent(target)}`;
      const res = await send(url, 'DELETE', `/-/cache${query}`, {});
      if (res.status !== 200) throw new Error(`purge: ${res.status} ${res.body}`);
      return (JSON.parse(res.body) as { purged: number }).purged;
    },
    get: (path, headers) => send(url, 'GET', path, { headers }),
    send: (method, path, options = {}) => send(url, method, path, options),
    // The gateway closes its cache (waiting for the store's writes) as it stops.
    close: () => (closed ??= service.close()),
  };
  t.after(() => gateway.close());
  return gateway;
}

async function send(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string> | undefined; body?: string | undefined },
): Promise<Answer> {
  const res = await request(base + path, {
    method: method as 'GET',
    headers: options.headers,
    body: options.body,
  });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 20 ms until it is true or `timeoutMs` passes; returns the last result. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

/** A backend handler that answers `body` with the given headers (and counts nothing else). */
export function answer(headers: Record<string, string | string[]>, body: string | ((n: number) => string) = 'ok', status = 200): BackendHandler {
  return (req, res, n) => {
    req.resume();
    res.writeHead(status, headers);
    res.end(typeof body === 'function' ? body(n) : body);
  };
}
