import type { IncomingMessage } from 'node:http';
import type { HeaderMap, ProxyRequest } from './upstream-types.js';

/** As Apache (LimitRequestFields), HAProxy and Envoy: more header fields than this is refused. */
export const MAX_HEADER_FIELDS = 100;

/** RFC 9110 §7.6.1: connection-specific fields a proxy must not forward, plus those the seed's gRPC proxy dropped. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/**
 * Request headers a client must not be able to set through the gateway:
 * X-Forwarded-Proto/-Host are set from what this hop saw; `Forwarded`
 * (RFC 7239) would carry a host or proto of the client's choosing past
 * them; X-Original-URL and X-Rewrite-URL make some frameworks route by
 * them instead of the path. None is in the cache key, so a backend honouring
 * one would let a client poison the cached answer for everyone.
 */
const UNTRUSTED = new Set(['x-forwarded-proto', 'x-forwarded-host', 'forwarded', 'x-original-url', 'x-rewrite-url']);

/**
 * `Expect: 100-continue` is answered by the gateway itself (node sends the
 * 100 before the body is read), so the expectation is met on this hop;
 * undici refuses to send it on, which made every such request (curl sends
 * it with any upload over 1 KiB) a 502 that counted against the backend.
 */
const ANSWERED_HERE = 'expect';

export const VIA = '1.1 pibl';

/** Header names listed in `Connection` are hop-by-hop for this message too. */
function connectionNamed(value: string | string[] | undefined): Set<string> | null {
  if (!value) return null;
  const text = Array.isArray(value) ? value.join(',') : value;
  const names = new Set<string>();
  for (const token of text.split(',')) {
    const name = token.trim().toLowerCase();
    if (name && name !== 'close' && name !== 'keep-alive') names.add(name);
  }
  return names.size ? names : null;
}

function append(headers: HeaderMap, name: string, value: string): void {
  const prev = headers[name];
  if (prev === undefined) headers[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else headers[name] = [prev, value];
}

export interface ForwardInfo {
  clientIp: string;
  proto: 'http' | 'https';
}

/**
 * The headers sent upstream: every end-to-end header of the client's
 * request (duplicates kept, from rawHeaders), X-Forwarded-For appended to any
 * incoming chain, X-Forwarded-Proto/-Host set from what this hop saw, and
 * Via appended (RFC 9110 §7.6.3).
 */
export function upstreamRequestHeaders(req: ProxyRequest, info: ForwardInfo): HeaderMap {
  const named = connectionNamed(req.headers.connection);
  const raw = req.rawHeaders;
  const headers: HeaderMap = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || named?.has(name)) continue;
    if (UNTRUSTED.has(name) || name === ANSWERED_HERE) continue;
    append(headers, name, raw[i + 1]!);
  }
  const xff = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = xff === undefined ? info.clientIp : `${Array.isArray(xff) ? xff.join(', ') : xff}, ${info.clientIp}`;
  headers['x-forwarded-proto'] = info.proto;
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  append(headers, 'via', `${req.httpVersion} pibl`);
  return headers;
}

/**
 * A backend's header fields without the hop-by-hop ones. The names come
 * lower-case, as both backend clients (undici and ./backend-client) give them.
 */
export function endToEndHeaders(upstream: Record<string, string | string[] | undefined>): HeaderMap {
  const named = connectionNamed(upstream.connection);
  const headers: HeaderMap = {};
  for (const name in upstream) {
    const value = upstream[name];
    // `__proto__` cannot be a key of a plain object (assigning a list would set its prototype).
    if (value === undefined || HOP_BY_HOP.has(name) || named?.has(name) || name === '__proto__') continue;
    headers[name] = value;
  }
  return headers;
}

/** The headers sent back to the client: hop-by-hop removed, Via appended. */
export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): HeaderMap {
  const headers = endToEndHeaders(upstream);
  append(headers, 'via', VIA);
  return headers;
}

const FINAL_CHUNKED = /(?:^|,)[ \t]*chunked[ \t]*$/i;

/**
 * RFC 9112 §6.3: whether a response's head says where its body ends (a
 * length, chunked, or no body at all) rather than leaving it to the
 * connection's close, which a reset mid-body would imitate. Reads the
 * backend's own fields, before the hop-by-hop ones are removed; the cache
 * keeps no body whose end it could not tell.
 */
export function bodyIsDelimited(status: number, upstream: Record<string, string | string[] | undefined>): boolean {
  if (status === 204 || status === 304) return true;
  const codings = upstream['transfer-encoding'];
  // §6.3: only a final `chunked` delimits; any other coding runs to the close, whatever Content-Length says.
  if (codings !== undefined) return finalCodingIsChunked(codings);
  return upstream['content-length'] !== undefined;
}

/** RFC 9112 §6.3: a Transfer-Encoding (one field or several) whose last coding is `chunked`. */
export function finalCodingIsChunked(codings: string | string[]): boolean {
  return FINAL_CHUNKED.test(Array.isArray(codings) ? codings.join(',') : codings);
}


/** RFC 9112 §6.3: a request has content when it says so with Content-Length or Transfer-Encoding. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The client's address as the gateway saw it (IPv4-mapped IPv6 shortened). */
export function clientAddress(req: ProxyRequest): string {
  const ip = req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
