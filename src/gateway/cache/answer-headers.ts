import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { HeaderMap } from '../upstream-types.js';
import { parseCacheControl, parseTargetedCacheControl, qualifiedNoCacheFields } from './cache-control.js';
import { storedHeaders, type Policy } from './policy.js';

export type CacheResult = 'HIT' | 'MISS' | 'STALE' | 'BYPASS';

/** RFC 9211 §2.2 `fwd` values we emit. */
export type ForwardReason = 'bypass' | 'method' | 'uri-miss' | 'vary-miss' | 'request' | 'stale';

/** This cache's name in Cache-Status (RFC 9211 §2: "the cache's identifier"). */
export const CACHE_NAME = 'pibl';

export interface CacheStatusParts {
  hit?: boolean;
  fwd?: ForwardReason;
  fwdStatus?: number;
  stored?: boolean;
  collapsed?: boolean;
  detail?: string;
}

/** One Cache-Status list member (RFC 9211 §2), e.g. `pibl; fwd=uri-miss; stored`. */
export function cacheStatus(parts: CacheStatusParts): string {
  let value = CACHE_NAME;
  if (parts.hit) value += '; hit';
  if (parts.fwd) value += `; fwd=${parts.fwd}`;
  if (parts.fwdStatus !== undefined) value += `; fwd-status=${parts.fwdStatus}`;
  if (parts.stored) value += '; stored';
  if (parts.collapsed) value += '; collapsed';
  if (parts.detail) value += `; detail=${parts.detail}`;
  return value;
}

/**
 * Adds X-Cache and our Cache-Status member to a header object the caller
 * owns. A Cache-Status from a cache behind us stays; ours is appended (RFC
 * 9211 §2: the first member is the cache closest to the origin server, the
 * last the one closest to the client).
 */
export function addCacheHeaders(out: HeaderMap | OutgoingHttpHeaders, result: CacheResult, status: string): OutgoingHttpHeaders {
  const below = out['cache-status'];
  out['cache-status'] = below === undefined ? status : [...(Array.isArray(below) ? below : [String(below)]), status].join(', ');
  out['x-cache'] = result;
  return out;
}

/** Statuses that never carry content (RFC 9110 §6.4.1). */
export const statusHasNoContent = (status: number) => status === 204 || status === 304 || (status >= 100 && status < 200);

/** RFC 9110 §7.6.1 connection-specific fields; the gateway strips them before storing, this is a second fence. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * Headers for an answer from a stored response: the stored fields with `Age`
 * (RFC 9111 §4.2.3, §5.1, rounded as the library does); `Date` stays the
 * origin's (RFC 9110 §6.6.1: it is when the origin generated the message;
 * node adds one when the origin sent none). Built here rather than with the
 * library's responseHeaders(), which also formats a new Date on every hit.
 * Fields named by a qualified no-cache go only with an answer just validated
 * (RFC 9111 §5.2.2.4).
 */
export function storedAnswerHeaders(policy: Policy, status: number, bodyLength: number, validated: boolean): OutgoingHttpHeaders {
  const stored = storedHeaders(policy);
  const headers: OutgoingHttpHeaders = {};
  for (const name in stored) {
    const value = stored[name];
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers.age = String(Math.round(policy.age()));
  if (!validated) for (const name of qualifiedNoCacheFieldsOf(stored)) delete headers[name];
  if (statusHasNoContent(status)) delete headers['content-length'];
  else headers['content-length'] = String(bodyLength);
  return headers;
}

/**
 * The fields a qualified no-cache names, from the directives that govern
 * this cache: CDN-Cache-Control when valid (RFC 9213), else Cache-Control.
 * Parsed only when a `no-cache=` is there at all, which is rare.
 */
function qualifiedNoCacheFieldsOf(stored: Record<string, string | undefined>): string[] {
  const cdn = stored['cdn-cache-control'];
  const cc = stored['cache-control'];
  const mentioned = (value: string | undefined) => value !== undefined && /no-cache\s*=/i.test(value);
  if (!mentioned(cdn) && !mentioned(cc)) return [];
  return qualifiedNoCacheFields(parseTargetedCacheControl(cdn) ?? parseCacheControl(cc));
}

/**
 * Whether the client's own conditional request is satisfied by the stored
 * response, so that the cache answers 304 itself (RFC 9111 §4.3.2; the
 * evaluation order of RFC 9110 §13.2.2: If-None-Match, else
 * If-Modified-Since, both only for GET and HEAD).
 */
export function clientValidatorMatches(request: IncomingHttpHeaders, response: OutgoingHttpHeaders): boolean {
  const ifNoneMatch = request['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const etag = typeof response.etag === 'string' ? response.etag : undefined;
    if (ifNoneMatch.trim() === '*') return true;
    if (!etag) return false;
    // Weak comparison (RFC 9110 §8.8.3.2).
    const opaque = etag.replace(/^W\//, '');
    return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
  }
  const ifModifiedSince = request['if-modified-since'];
  if (ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    const lastModified = Date.parse(String(response['last-modified'] ?? response.date ?? ''));
    return Number.isFinite(since) && Number.isFinite(lastModified) && lastModified <= since;
  }
  return false;
}

/**
 * A 304 carries the fields a 200 would have had, minus the representation's
 * content metadata (RFC 9110 §15.4.5).
 */
export function notModifiedHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out = { ...headers };
  for (const name of ['content-length', 'content-type', 'content-encoding', 'content-range', 'transfer-encoding']) delete out[name];
  return out;
}

/** Client validators are the client's business; the cache's own revalidation sends only its stored validators. */
export const CLIENT_CONDITIONALS = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range'] as const;
