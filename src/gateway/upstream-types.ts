import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * The seam between the response cache and the forwarding proxy. The proxy
 * owns backend choice, retries, timeouts and hop-by-hop headers; the cache
 * owns freshness, storage and the cache headers it adds.
 */
export type HeaderMap = Record<string, string | string[]>;

export interface UpstreamRequest {
  method: string;
  /** Path and query, as the client sent them (already validated by the router). */
  path: string;
  /** End-to-end request headers with X-Forwarded-* and Via already added; lower-case names. */
  headers: HeaderMap;
  /** The request body, or null (GET, HEAD, or a conditional request the cache makes). */
  body: Readable | null;
  /** Aborts the upstream exchange (the client went away). */
  signal?: AbortSignal;
  /** Sees each interim (1xx) answer before the final one. */
  onInterim?: (status: number, headers: Record<string, string | string[] | undefined>) => void;
}

export interface UpstreamResponse {
  status: number;
  /** End-to-end response headers (hop-by-hop removed, Via added); lower-case names. */
  headers: HeaderMap;
  /** Must be consumed or destroyed; its end releases the upstream connection. */
  body: Readable;
  /** The backend's name, for logs and metrics. */
  backend: string;
  /** The head said where the body ends (see HeadListener); the cache stores no other body. */
  delimited: boolean;
}

/**
 * Sends a request to a healthy backend chosen by the strategy, with retries.
 * Rejects with a GatewayError (status 502, 503 or 504) when no backend
 * answered; resolves as soon as response headers arrived.
 */
export type FetchUpstream = (request: UpstreamRequest) => Promise<UpstreamResponse>;

/**
 * Forwards the request and streams the answer to the client by the
 * gateway's uncached path (no copy of the body); the cache uses it for URLs
 * it knows it cannot store. Rejects with a GatewayError before any byte was written.
 */
export type PassUpstream = (ctx: ProxyContext, onHead?: HeadListener) => Promise<void>;

/**
 * Sees the status and the headers about to be relayed (hop-by-hop fields
 * already gone), and may add to them; may return a tap that sees the body
 * as it is relayed (the cache keeps a copy of what it stores that way).
 * `delimited`: the body's end is known (a length, or chunked); a body that
 * ends when the connection closes could be cut short without anyone knowing.
 */
export type HeadListener = (status: number, headers: HeaderMap, delimited: boolean) => BodyTap | void;

/** Sees a relayed body: each chunk, then exactly one of end (all of it went to the client) or fail. */
export interface BodyTap {
  data(chunk: Buffer): void;
  end(): void;
  fail(): void;
}

/**
 * What the proxy and the cache read of a client's request: node's
 * IncomingMessage, or the fast lane's LeanRequest (src/gateway/front).
 */
export interface ProxyRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly httpVersion: string;
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  readonly socket: { readonly remoteAddress?: string | undefined };
}

/** What the proxy and the cache do with the answer: node's ServerResponse, or the fast lane's LeanResponse. */
export interface ProxyResponse {
  statusCode: number;
  shouldKeepAlive: boolean;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
  readonly destroyed: boolean;
  writeHead(statusCode: number, headers?: OutgoingHttpHeaders): unknown;
  /** false: wait for 'drain'. */
  write(chunk: Buffer | string): boolean;
  end(chunk?: Buffer | string): unknown;
  destroy(err?: Error): unknown;
  once(event: 'close' | 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
}

/** One proxied request as the gateway hands it to the cache. */
export interface ProxyContext {
  req: ProxyRequest;
  res: ProxyResponse;
  /** The request body to forward, or null (none, or the fast lane's GET and HEAD). */
  readonly body: Readable | null;
  method: string;
  /** Path and query. */
  path: string;
  /** Scheme as the client used it (X-Forwarded-Proto is not trusted for keys). */
  scheme: 'http' | 'https';
  /** Host header, lower-cased, or the gateway's own address when absent. */
  host: string;
  clientIp: string;
  /** Request headers prepared for upstream (see UpstreamRequest.headers). */
  readonly upstreamHeaders: HeaderMap;
  /** Set by whoever answered: 'HIT' | 'MISS' | 'STALE' | 'BYPASS', for logs and metrics. */
  cacheResult?: 'HIT' | 'MISS' | 'STALE' | 'BYPASS';
  /** Set by whoever fetched: the backend that answered. */
  backend?: string;
}
