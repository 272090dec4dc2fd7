import CachePolicy from 'http-cache-semantics';
import type { HeaderMap } from '../upstream-types.js';
import { deltaSeconds, freshnessDirectives, parseCacheControl, parseTargetedCacheControl, type Directives } from './cache-control.js';
import { parseHttpDate } from './http-date.js';
import { varyNames } from './keys.js';

/**
 * Freshness and storability come from http-cache-semantics (kornelski), in
 * shared-cache mode. We chose it over undici 7's `interceptors.cache`
 * because the interceptor is a whole client-side cache: it owns the
 * dispatch, buffers into its own stores and answers the caller, so it could
 * not stream a miss to our client while filling the store, coalesce
 * concurrent misses, or serve stale entries when the gateway's health
 * monitor says every backend is down. http-cache-semantics is only the RFC
 * 9111 arithmetic, which leaves those decisions to us.
 *
 * Deviations from the library's defaults:
 * - Cache-Control is parsed by ./cache-control.ts (strict RFC 9111 §5.2
 *   syntax, case-insensitive names) and the result replaces the library's;
 * - heuristic freshness (SPEC §2) is the configured `ttl` for the statuses listed in
 *   RFC 9110 §15.1 as heuristically cacheable, instead of 10 % of the age
 *   since Last-Modified (RFC 9111 §4.2.2 leaves the heuristic to the cache);
 *   `ttl = 0` disables it;
 * - `CDN-Cache-Control` (RFC 9213), when valid, replaces Cache-Control and
 *   Expires for this cache's own decisions; clients still get both fields;
 * - any final status may be stored with explicit freshness (RFC 9111 §3
 *   asks to understand only 206 and 304, which we do not store), where the
 *   library stores only the statuses it lists; must-understand still limits
 *   storing to those, and never lifts no-store (SPEC §2 "never stores");
 * - an Age that is not delta-seconds (`7200.0`) is ignored (RFC 9111 §5.1),
 *   where the library would read 7200;
 * - time comes from an injectable clock (tests).
 */

/** RFC 9110 §15.1 "heuristically cacheable" statuses (206 excluded: we do not store partial content). */
export const HEURISTIC_STATUSES: ReadonlySet<number> = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]);

export type Policy = CachePolicy;

export interface PolicyFactory {
  /** From the request as the cache saw it and the response the backend gave. */
  create(request: CachePolicy.HttpRequest, response: CachePolicy.HttpResponse): Policy;
  fromObject(object: CachePolicy.CachePolicyObject): Policy;
}

/** Statuses whose caching rules this cache implements, for must-understand (RFC 9111 §5.2.2.3); 206 is not one. */
const UNDERSTOOD_STATUSES: ReadonlySet<number> = new Set([200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501]);

/** The library's state we read; it has no public getter for the parsed directives. */
interface PolicyInternals {
  _rescc: Directives;
  _reqcc: Directives;
  _method: string;
  _status: number;
  _resHeaders: Record<string, string | undefined>;
  _responseTime: number;
  _noAuthorization: boolean;
}

/** True when the response's own CDN-Cache-Control governs it (RFC 9213 §2.1): then Expires is not read. */
function targeted(headers: Record<string, string | undefined>): boolean {
  return headers['cdn-cache-control'] !== undefined && parseTargetedCacheControl(headers['cdn-cache-control']) !== null;
}

/**
 * What RFC 9111 §3 decides storability on, whether read from a policy or
 * from the raw fields of an answer passing by (hit-for-pass watches those),
 * so that both ask exactly the same question.
 */
export interface AnswerFacts {
  status: number;
  /** The directives that govern this cache: CDN-Cache-Control when valid, else Cache-Control (after freshnessDirectives). */
  cc: Directives;
  /** An Expires that counts: present, and not overridden by CDN-Cache-Control. */
  expires: boolean;
  /** The request carried Authorization. */
  authorized: boolean;
}

/**
 * RFC 9111 §3 for a shared cache: a final status (206 and 304 would need
 * understanding we do not have: partial content is not combined, SPEC §2),
 * must-understand only with a status we implement, no no-store or private,
 * Authorization only with public / s-maxage / must-revalidate (§3.5), and
 * something that makes it reusable: explicit freshness, public, or a
 * heuristically cacheable status.
 */
export function storableByRfc(f: AnswerFacts): boolean {
  const cc = f.cc;
  if (f.status < 200 || f.status === 206 || f.status === 304) return false;
  if (cc['must-understand'] !== undefined && !UNDERSTOOD_STATUSES.has(f.status)) return false;
  if (cc['no-store'] || cc.private !== undefined) return false;
  if (f.authorized && cc.public === undefined && cc['s-maxage'] === undefined && cc['must-revalidate'] === undefined) return false;
  return explicitFreshness(f) || cc.public !== undefined || HEURISTIC_STATUSES.has(f.status);
}

/** RFC 9111 §4.2.1: s-maxage (shared caches), max-age, Expires. */
export function explicitFreshness(f: AnswerFacts): boolean {
  return f.cc['s-maxage'] !== undefined || f.cc['max-age'] !== undefined || f.expires;
}

export function factsOf(policy: Policy): AnswerFacts {
  const p = policy as unknown as PolicyInternals;
  return { status: p._status, cc: p._rescc, expires: p._resHeaders.expires !== undefined && !targeted(p._resHeaders), authorized: !p._noAuthorization };
}

export function createPolicyFactory(options: { ttlSeconds: number; now: () => number }): PolicyFactory {
  const { ttlSeconds, now } = options;

  class PiblPolicy extends CachePolicy {
    constructor(request: CachePolicy.HttpRequest, response: CachePolicy.HttpResponse, policyOptions?: CachePolicy.Options) {
      super(request, response, policyOptions);
      // `fromObject` passes no response: the stored directives were parsed when it was made.
      if (!response) return;
      const forUs = parseTargetedCacheControl(response.headers['cdn-cache-control']);
      const cc = response.headers['cache-control'];
      const directives = freshnessDirectives(forUs ?? parseCacheControl(cc));
      // RFC 9111 §5.4: Pragma: no-cache counts as no-cache when there is no Cache-Control.
      if (!forUs && cc === undefined && /no-cache/i.test(String(response.headers.pragma ?? ''))) directives['no-cache'] = true;
      (this as unknown as PolicyInternals)._rescc = directives;
    }

    /** RFC 9111 §3, in shared-cache mode, for a GET (HEAD answers are not stored) whose request did not say no-store. */
    override storable(): boolean {
      const p = this as unknown as PolicyInternals;
      if (p._reqcc['no-store'] || p._method !== 'GET') return false;
      return storableByRfc(factsOf(this));
    }

    /** RFC 9111 §5.1: Age is delta-seconds; anything else (`7200.0`, `-1`) is ignored. A list keeps its first member. */
    _ageValue(): number {
      const age = (this as unknown as PolicyInternals)._resHeaders.age;
      const first = age?.split(',')[0]!.trim();
      return first !== undefined && /^\d+$/.test(first) ? Number(first) : 0;
    }

    // Declared by the library (documented as the hook for tests) but missing from its types.
    now(): number {
      return now();
    }

    /**
     * Freshness lifetime (RFC 9111 §4.2.1), replacing the library's: strict
     * HTTP-dates for Expires and Date, `proxy-revalidate` no longer makes a
     * fresh response unusable (it only governs stale use, §5.2.2.8), and the
     * configured ttl as the heuristic (§4.2.2, SPEC §2).
     */
    override maxAge(): number {
      const { _rescc: cc, _resHeaders: headers, _responseTime: receivedAt } = this as unknown as PolicyInternals;
      if (!this.storable() || cc['no-cache']) return 0;
      // The library's caution, kept: shared caches do not reuse cookie-setting answers unless told to.
      if (headers['set-cookie'] !== undefined && !cc.public && !cc.immutable) return 0;
      if (varyNames(headers.vary) === '*') return 0;
      const sMaxAge = deltaSeconds(cc['s-maxage']);
      if (sMaxAge !== undefined) return sMaxAge;
      const maxAge = deltaSeconds(cc['max-age']);
      if (maxAge !== undefined) return maxAge;
      if (headers.expires !== undefined && !targeted(headers)) {
        const expires = parseHttpDate(headers.expires);
        const date = parseHttpDate(headers.date) ?? receivedAt;
        // RFC 9111 §5.3: an invalid Expires (such as "0") is in the past.
        return expires === null || expires <= date ? 0 : (expires - date) / 1000;
      }
      return ttlSeconds > 0 && HEURISTIC_STATUSES.has(policyStatus(this)) ? ttlSeconds : 0;
    }
  }

  const libraryOptions: CachePolicy.Options = { shared: true, cacheHeuristic: 0 };
  const revived = new WeakMap<CachePolicy.CachePolicyObject, Policy>();
  return {
    create: (request, response) => new PiblPolicy(request, response, libraryOptions),
    fromObject: (object) => {
      // The memory store hands out the same stored object on every hit: revive it once.
      // A policy is never changed after it is made, so one instance serves every request.
      let policy = revived.get(object);
      if (!policy) revived.set(object, (policy = PiblPolicy.fromObject(object)));
      return policy;
    },
  };
}


export function responseDirectives(policy: Policy): Directives {
  return (policy as unknown as PolicyInternals)._rescc;
}

export function storedHeaders(policy: Policy): Record<string, string | undefined> {
  return (policy as unknown as PolicyInternals)._resHeaders;
}

export function policyStatus(policy: Policy): number {
  return (policy as unknown as { _status: number })._status;
}

/**
 * Response headers as the library wants them: lower-case names, one string
 * per field (RFC 9110 §5.3 allows joining repeated fields with commas), except
 * Set-Cookie, which must stay a list.
 */
export function flattenHeaders(headers: HeaderMap): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'set-cookie') out[lower] = Array.isArray(value) ? value : [value];
    else out[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
