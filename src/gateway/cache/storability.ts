import type CachePolicy from 'http-cache-semantics';
import type { CacheConfig } from '../../config/types.js';
import type { UpstreamResponse } from '../upstream-types.js';
import { parseTargetedCacheControl } from './cache-control.js';
import { varyNames } from './keys.js';
import { HEURISTIC_STATUSES, flattenHeaders, hasExplicitFreshness, policyStatus, storedHeaders, type Policy, type PolicyFactory } from './policy.js';

/**
 * Whether an answer may be stored: the library's RFC 9111 §3 checks (method,
 * status understood, no-store, private, Authorization without public,
 * s-maxage or must-revalidate) and SPEC §2 on top: never Set-Cookie, never
 * Vary: *, never a body known to exceed max_object_bytes, and with the
 * heuristic off (ttl = 0) only answers with explicit freshness or a
 * validator. Resolves the Vary names to key it by, or null.
 */
export function storableVary(policy: Policy, config: CacheConfig): string[] | null {
  if (!policy.storable()) return null;
  // The answer's fields as the policy holds them (flattened once, when it was made).
  const headers = storedHeaders(policy);
  if (headers['set-cookie'] !== undefined) return null;
  const names = varyNames(headers.vary);
  if (names === '*') return null;
  const length = Number(headers['content-length']);
  if (Number.isFinite(length) && length > config.maxObjectBytes) return null;
  const usable =
    hasExplicitFreshness(policy) ||
    headers.etag !== undefined ||
    headers['last-modified'] !== undefined ||
    (config.ttl > 0 && HEURISTIC_STATUSES.has(policyStatus(policy)));
  return usable ? names : null;
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
 * A cheap first look at an answer that passed the cache by (hit-for-pass):
 * could it be stored? A yes only sends the next request down the full path,
 * where the policy decides; a no keeps the URL passing. It asks what
 * storableVary asks, from the raw fields: a yes for an answer the policy
 * then refuses would send every other request down the full path.
 */
export function mayBeStorable(status: number, headers: Record<string, string | string[] | undefined>, heuristicTtl: number): boolean {
  if (status === 206 || headers['set-cookie'] !== undefined) return false;
  const vary = headers.vary;
  if (vary !== undefined && String(vary).includes('*')) return false;
  const forUs = headers['cdn-cache-control'] === undefined ? null : parseTargetedCacheControl(headers['cdn-cache-control']);
  let explicit: boolean;
  if (forUs) {
    if (forUs['no-store'] || forUs.private !== undefined) return false;
    explicit = forUs['max-age'] !== undefined || forUs['s-maxage'] !== undefined;
  } else {
    const field = headers['cache-control'];
    const cc = field === undefined ? '' : Array.isArray(field) ? field.join(',') : field;
    if (/\b(no-store|private)\b/i.test(cc)) return false;
    explicit = /\b(max-age|s-maxage)=/i.test(cc) || headers.expires !== undefined;
  }
  // An error answer is stored only with explicit freshness; without it, it says nothing about the URL.
  if (status >= 500) return explicit;
  const validators = headers.etag !== undefined || headers['last-modified'] !== undefined;
  return explicit || validators || (heuristicTtl > 0 && HEURISTIC_STATUSES.has(status));
}
