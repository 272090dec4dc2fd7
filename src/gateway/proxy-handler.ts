import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { GatewayError } from './errors.js';
import { forward } from './forward.js';
import type { LeanRequest } from './front/lean-request.js';
import type { LeanResponse } from './front/lean-response.js';
import { clientAddress, hasBody, MAX_HEADER_FIELDS, upstreamRequestHeaders } from './headers.js';
import type { Upstream } from './upstream.js';
import type { FetchUpstream, HeaderMap, PassUpstream, ProxyContext, ProxyRequest, ProxyResponse } from './upstream-types.js';

/** What the proxy needs from the response cache (src/gateway/cache). */
export interface CacheHandler {
  handle(ctx: ProxyContext, fetch: FetchUpstream, pass: PassUpstream): Promise<void>;
}

export interface ProxyHandlerOptions {
  upstream: Upstream;
  cache: CacheHandler | null;
  /** Called once per request when the answer is complete or the client went away. */
  onDone(ctx: ProxyContext, status: number, seconds: number): void;
  /** The gateway's own host:port, the cache key's host when a request has no Host. */
  selfHost: string;
}

export interface ProxyHandler {
  /** A request node:http read (any method, maybe a body). */
  fromNode(req: IncomingMessage, res: ServerResponse): void;
  /** A request the fast lane read (src/gateway/front): GET or HEAD, no body, one at a time per connection. */
  fromLane(req: LeanRequest, res: LeanResponse): void;
}

/**
 * The proxied path: everything that is not one of the gateway's own routes.
 * It runs straight on node:http or on the fast lane (ahead of Fastify's
 * router) because it is the hot path; see docs/performance.md for what
 * that saves.
 */
export function createProxyHandler(options: ProxyHandlerOptions): ProxyHandler {
  const { upstream, cache, onDone, selfHost } = options;
  const pass: PassUpstream = (ctx, onHead) => forward(ctx, upstream, onHead);

  const serve = (ctx: ProxyExchange): void => {
    const { req, res } = ctx;
    if (!ctx.target) {
      refuse(res, new GatewayError(400, 'PIBL_ERR_BAD_REQUEST', 'request target must be origin-form (/path) or absolute-form (http://host/path)'));
      return;
    }
    const refused = refuseHead(req);
    if (refused) {
      refuse(res, refused);
      return;
    }

    let work: Promise<void>;
    try {
      work = cache ? cache.handle(ctx, upstream.fetch, pass) : forward(ctx, upstream);
    } catch (err) {
      // The paths are synchronous up to their first wait: an exception thrown there is answered like a rejection.
      work = Promise.reject(err);
    }
    work.catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, err instanceof GatewayError ? err : new GatewayError(502, 'PIBL_ERR_BAD_GATEWAY', `proxy error: ${(err as Error).message}`));
    });
  };

  /** Reports the request once, when its answer is complete or the client went away. */
  const reporter = (ctx: ProxyExchange, started: number) => {
    let reported = false;
    return () => {
      if (reported) return;
      reported = true;
      onDone(ctx, ctx.res.statusCode, (performance.now() - started) / 1000);
    };
  };

  return {
    fromNode(req, res) {
      const started = performance.now();
      const ctx = new ProxyExchange(req, res, hasBody(req) ? req : null, selfHost);
      const report = reporter(ctx, started);
      // 'close' comes once per response, after 'finish' or when the client went away first...
      res.once('close', report);
      // ...except for a request pipelined behind another one: it has no socket yet, and if the
      // client resets the connection before its turn, node never closes its response.
      if (!res.socket) {
        const socket = req.socket;
        socket.once('close', report);
        res.once('close', () => socket.off('close', report));
      }
      if (behindLastAnswer(req, res)) {
        refuse(res, new GatewayError(400, 'PIBL_ERR_BAD_REQUEST', 'an earlier request on this connection was its last'));
        return;
      }
      serve(ctx);
      // Known by now: the client's Connection: close, HTTP/1.0, or a refusal made the answer the connection's last.
      if (!res.shouldKeepAlive) lastAnswered.add(req.socket);
    },
    fromLane(req, res) {
      const ctx = new ProxyExchange(req, res, null, selfHost);
      // The lane settles every answer exactly once, the client's reset included.
      res.once('close', reporter(ctx, performance.now()));
      serve(ctx);
    },
  };
}

/**
 * One proxied request. A class so that every request has the same shape
 * (V8 keeps the property accesses monomorphic), and the headers for the
 * backend are built only when a backend is asked: a cache hit never needs them.
 */
class ProxyExchange implements ProxyContext {
  readonly method: string;
  readonly path: string;
  readonly scheme = 'http' as const;
  readonly host: string;
  readonly clientIp: string;
  cacheResult: ProxyContext['cacheResult'] = undefined;
  backend: string | undefined = undefined;
  private forUpstream: HeaderMap | undefined = undefined;

  readonly target: RequestTarget | null;

  constructor(
    readonly req: ProxyRequest,
    readonly res: ProxyResponse,
    readonly body: Readable | null,
    selfHost: string,
  ) {
    const target = requestTarget(req.url ?? '/');
    this.target = target;
    this.method = req.method ?? 'GET';
    this.path = target?.path ?? '/';
    this.host = (target?.authority ?? req.headers.host ?? selfHost).toLowerCase();
    this.clientIp = clientAddress(req);
  }

  get upstreamHeaders(): HeaderMap {
    if (this.forUpstream === undefined) {
      this.forUpstream = upstreamRequestHeaders(this.req, { clientIp: this.clientIp, proto: this.scheme });
      // RFC 9112 §3.2.2: with an absolute-form target the Host header is ignored in favour of its authority.
      if (this.target?.authority) this.forUpstream.host = this.target.authority;
    }
    return this.forUpstream;
  }
}

type RequestTarget = { path: string; authority?: string };

/**
 * RFC 9112 §3.2: origin-form passes as is; absolute-form is reduced to its
 * path and query, its authority taking the Host header's place; anything
 * else (authority-form, asterisk-form, garbage) is refused.
 */
export function requestTarget(target: string): RequestTarget | null {
  if (target.startsWith('/')) return { path: target };
  const match = /^https?:\/\/([^/?#@\s]+)([/?][^#\s]*)?$/i.exec(target);
  if (!match) return null;
  const rest = match[2] ?? '/';
  return { path: rest.startsWith('/') ? rest : `/${rest}`, authority: match[1]! };
}

/** A client's request refused: answered, and the connection closed after the answer. */
function refuse(res: ProxyResponse, err: GatewayError): void {
  res.shouldKeepAlive = false;
  sendError(res, err);
}

type ConnectionSocket = IncomingMessage['socket'] & { _httpMessage?: (ServerResponse & { _last?: boolean }) | null };

/** Connections on which an answer already decided to be the last (node's own queue of answers is private). */
const lastAnswered = new WeakSet<IncomingMessage['socket']>();

/**
 * True when an earlier answer on this connection is its last: the client
 * said `Connection: close`, or the request was refused (node's own 400 for
 * a missing Host included). Node still parses the requests pipelined behind
 * it and hands them over, but RFC 9112 §9.6 says they must not be
 * processed: their answers can never be sent, and one may be a request
 * smuggled behind a refused one.
 */
export function behindLastAnswer(req: IncomingMessage, res: ServerResponse): boolean {
  const socket = req.socket as ConnectionSocket;
  // An earlier answer may still be queued behind one in flight: the head of the queue alone cannot tell.
  if (lastAnswered.has(socket)) return true;
  const current = socket._httpMessage;
  if (current && current !== res && (current._last === true || current.shouldKeepAlive === false)) return true;
  return socket.destroyed || socket.writableEnded;
}

/**
 * Heads node's parser lets through but a proxy must not forward: more than
 * one Host (RFC 9112 §3.2 asks for a 400; the cache key and the backend
 * could each pick a different one, and undici refuses the array, which
 * used to count as a backend failure and could eject a healthy backend),
 * and more than MAX_HEADER_FIELDS fields (node silently drops those past
 * its own count limit, so the backend would get another request than the
 * client sent).
 */
export function refuseHead(req: ProxyRequest): GatewayError | null {
  const raw = req.rawHeaders;
  if (raw.length / 2 > MAX_HEADER_FIELDS) {
    return new GatewayError(431, 'PIBL_ERR_HEAD_TOO_LARGE', `more than ${MAX_HEADER_FIELDS} header fields`);
  }
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') hosts++;
  if (hosts > 1) return new GatewayError(400, 'PIBL_ERR_BAD_REQUEST', 'more than one Host header');
  // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400 (node's own check is off so that this one answers in JSON).
  if (hosts === 0 && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) return new GatewayError(400, 'PIBL_ERR_BAD_REQUEST', 'missing Host header');
  return null;
}

export function sendError(res: ProxyResponse, err: GatewayError): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(err.toJSON());
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  };
  if (err.retryAfter !== undefined) headers['retry-after'] = err.retryAfter;
  res.writeHead(err.status, headers);
  res.end(body);
}
