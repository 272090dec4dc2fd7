import type { IncomingHttpHeaders } from 'node:http';
import { deltaSeconds, parseCacheControl, type Directives } from './cache-control.js';
import { responseDirectives, type Policy } from './policy.js';

/**
 * How a stored response may be used for one request (RFC 9111 §4.2, §4.3,
 * §5.2 and RFC 5861). Written here rather than taken from the library's
 * `evaluateRequest` because that one refuses every response carrying
 * `must-revalidate`, even fresh ones (the directive only constrains stale
 * use, §5.2.2.2), and would serve a `no-cache` response stale under
 * `stale-while-revalidate`.
 */
export type Use =
  /** Fresh: answer from the cache. */
  | { kind: 'fresh' }
  /** Stale, but the client accepts it (request `max-stale`, §5.2.1.2). */
  | { kind: 'stale-accepted' }
  /** Stale within `stale-while-revalidate` (RFC 5861 §3): answer, refresh in the background. */
  | { kind: 'stale-while-revalidate' }
  /** Must be validated with the origin first. */
  | { kind: 'revalidate'; reason: 'stale' | 'request' | 'no-cache' };

export function requestDirectives(headers: IncomingHttpHeaders): Directives {
  const cc = headers['cache-control'];
  const directives = parseCacheControl(cc);
  // RFC 9111 §5.4: Pragma: no-cache counts only when Cache-Control is absent.
  if (cc === undefined && /(^|,)\s*no-cache\s*(,|$)/i.test(String(headers.pragma ?? ''))) directives['no-cache'] = true;
  return directives;
}

export function evaluate(policy: Policy, requestCc: Directives): Use {
  const responseCc = responseDirectives(policy);
  if (requestCc['no-cache']) return { kind: 'revalidate', reason: 'request' };
  if (responseCc['no-cache']) return { kind: 'revalidate', reason: 'no-cache' };

  const age = policy.age();
  const lifetime = policy.maxAge();
  const requestMaxAge = deltaSeconds(requestCc['max-age']);
  if (requestMaxAge !== undefined && age > requestMaxAge) return { kind: 'revalidate', reason: 'request' };
  const minFresh = deltaSeconds(requestCc['min-fresh']);
  if (minFresh !== undefined && lifetime - age < minFresh) return { kind: 'revalidate', reason: 'request' };

  if (lifetime > age) return { kind: 'fresh' };

  const staleFor = age - lifetime;
  if (!prohibitsImplicitStale(policy) && 'max-stale' in requestCc) {
    const maxStale = deltaSeconds(requestCc['max-stale']);
    if (requestCc['max-stale'] === true || (maxStale !== undefined && staleFor <= maxStale)) return { kind: 'stale-accepted' };
  }
  const swr = deltaSeconds(responseCc['stale-while-revalidate']);
  if (!prohibitsExplicitStale(policy) && swr !== undefined && staleFor < swr) return { kind: 'stale-while-revalidate' };
  return { kind: 'revalidate', reason: 'stale' };
}

/**
 * Why a stale entry may answer because the origin could not, or null: RFC
 * 5861 §4 stale-if-error (from the response or the request), or the
 * configured grace when every backend is down (SPEC §2). `everyBackendDown`
 * is true when fetchUpstream itself failed (a GatewayError), false for a 5xx
 * answer, which grace does not cover.
 */
export function staleOnError(
  policy: Policy,
  requestCc: Directives,
  everyBackendDown: boolean,
  graceSeconds: number,
): 'stale-if-error' | 'grace' | null {
  const staleFor = Math.max(0, policy.age() - policy.maxAge());
  const explicit = Math.max(
    deltaSeconds(responseDirectives(policy)['stale-if-error']) ?? -1,
    deltaSeconds(requestCc['stale-if-error']) ?? -1,
  );
  if (explicit >= 0 && !prohibitsExplicitStale(policy) && staleFor <= explicit) return 'stale-if-error';
  if (everyBackendDown && graceSeconds > 0 && !prohibitsImplicitStale(policy) && staleFor <= graceSeconds) return 'grace';
  return null;
}

/** no-cache and must-revalidate forbid any stale use without validation (RFC 9111 §5.2.2.2, §5.2.2.4). */
function prohibitsExplicitStale(policy: Policy): boolean {
  const cc = responseDirectives(policy);
  return Boolean(cc['no-cache'] || cc['must-revalidate']);
}

/**
 * RFC 9111 §4.2.4: a cache MUST NOT serve stale when a directive forbids it;
 * for a shared cache proxy-revalidate and s-maxage do (§5.2.2.8, §5.2.2.10).
 * An explicit stale-if-error or stale-while-revalidate from the origin is its
 * own permission and is honoured despite those two.
 */
function prohibitsImplicitStale(policy: Policy): boolean {
  const cc = responseDirectives(policy);
  return prohibitsExplicitStale(policy) || Boolean(cc['proxy-revalidate'] || cc['s-maxage'] !== undefined);
}
