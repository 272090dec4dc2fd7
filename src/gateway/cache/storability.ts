import type CachePolicy from 'http-cache-semantics';
import type { CacheConfig } from '../../config/types.js';
import type { UpstreamResponse } from '../upstream-types.js';
import type { IncomingHttpHeaders } from 'node:http';
import { freshnessDirectives, parseCacheControl, parseTargetedCacheControl } from './cache-control.js';
import { varyNames } from './keys.js';
import {
  HEURISTIC_STATUSES,
  explicitFreshness,
  factsOf,
  flattenHeaders,
  policyStatus,
  storableByRfc,
  storedHeaders,
  type AnswerFacts,
  type Policy,
  type PolicyFactory,
} from './policy.js';

/**
 * Whether an answer may be stored: RFC 9111 §3 (./policy.ts storableByRfc)
 * and SPEC §2 on top: never Set-Cookie, never Vary: *, never a body known
 * to exceed max_object_bytes, and with the heuristic off (ttl = 0) only
 * answers with explicit freshness or a validator. Resolves the Vary names to
 * key it by, or null.
 */
export function storableVary(policy: Policy, config: CacheConfig): string[] | null {
  if (!policy.storable()) return null;
  // The answer's fields as the policy holds them (flattened once, when it was made).
  const headers = storedHeaders(policy);
  const names = varyNames(headers.vary);
  if (names === '*' || !keptBySpec(factsOf(policy), headers, config)) return null;
  return names;
}

/** SPEC §2's rules on top of RFC 9111 §3. */
function keptBySpec(facts: AnswerFacts, headers: Record<string, string | string[] | undefined>, config: Pick<CacheConfig, 'ttl' | 'maxObjectBytes'>): boolean {
  if (headers['set-cookie'] !== undefined || varyNames(headers.vary) === '*') return false;
  const length = Number(headers['content-length']);
  if (Number.isFinite(length) && length > config.maxObjectBytes) return false;
  return (
    explicitFreshness(facts) ||
    headers.etag !== undefined ||
    headers['last-modified'] !== undefined ||
    (config.ttl > 0 && HEURISTIC_STATUSES.has(facts.status))
  );
}

const NOT_UPDATED_BY_304 = new Set(['content-length', 'content-encoding', 'content-range', 'transfer-encoding', 'set-cookie']);

/**
 * RFC 9111 §4.3.4: every field of the 304 replaces or joins the stored ones
 * (the library would only replace fields already stored, so a Cache-Control
 * first sent on a 304 would be lost), except the content metadata of the
 * body we keep (§3.2) and Set-Cookie, which is never stored (SPEC §2).
 * Null when the 304 is not about the stored response's validators.
 */
export function afterNotModified(
  policies: PolicyFactory,
  request: CachePolicy.HttpRequest,
  policy: Policy,
  response: UpstreamResponse,
): Policy | null {
  const notModified = flattenHeaders(response.headers);
  if (!aboutStored(policy, request, notModified)) return null;
  const merged: CachePolicy.Headers = { ...storedHeaders(policy) };
  // The stored Age described the old copy; the 304 is a new first-hand answer (RFC 9111 §4.2.3).
  delete merged.age;
  for (const [name, value] of Object.entries(notModified)) {
    if (!NOT_UPDATED_BY_304.has(name)) merged[name] = value;
  }
  return policies.create(request, { status: policyStatus(policy), headers: merged });
}

/**
 * RFC 9111 §4.3.4: which stored response a 304 is about. The library's
 * answer, except that a 304 with no validator at all answers the
 * conditional request we built from this entry's own validators, so it is
 * about this entry (the library would refuse it whenever the entry has an
 * ETag, and the cache would ask the origin a second time).
 */
function aboutStored(policy: Policy, request: CachePolicy.HttpRequest, notModified: CachePolicy.Headers): boolean {
  if (notModified.etag === undefined && notModified['last-modified'] === undefined) return true;
  return policy.revalidatedPolicy(request, { status: 304, headers: notModified }).matches;
}

/**
 * A first look at an answer that passed the cache by (hit-for-pass): would
 * it be stored? A yes sends the next request down the full path, where the
 * policy decides; a no keeps the URL passing. It asks exactly what
 * storableVary asks, from the raw fields: a yes for an answer the policy
 * then refuses would send every other request down the full path.
 */
export function mayBeStorable(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  request: IncomingHttpHeaders,
  config: Pick<CacheConfig, 'ttl' | 'maxObjectBytes'>,
): boolean {
  if (parseCacheControl(request['cache-control'])['no-store']) return false;
  const forUs = parseTargetedCacheControl(headers['cdn-cache-control']);
  const facts: AnswerFacts = {
    status,
    cc: freshnessDirectives(forUs ?? parseCacheControl(headers['cache-control'])),
    expires: !forUs && headers.expires !== undefined,
    authorized: request.authorization !== undefined,
  };
  return storableByRfc(facts) && keptBySpec(facts, headers, config);
}
