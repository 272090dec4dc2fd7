import type { IncomingHttpHeaders } from 'node:http';

/**
 * Cache keys. RFC 9111 §4.1: the primary key is the target URI (scheme,
 * host, path, query; the method is not part of it because only GET answers
 * are stored and HEAD is answered from them); the secondary key is the
 * values of the request headers the stored response names in `Vary`.
 *
 * `urlKey` holds either a response (no Vary) or a vary marker listing the
 * header names; the variant lives at `variantKey`. The separator is a NUL,
 * which cannot occur in a request target or Host header.
 */
export const VARIANT_SEPARATOR = '\u0000';

export function urlKey(scheme: string, host: string, path: string): string {
  return `${scheme}://${withoutDefaultPort(scheme, host)}${path}`;
}

/** RFC 3986 §6.2.3: `example.com:80` and `example.com` are the same http origin. */
function withoutDefaultPort(scheme: string, host: string): string {
  const port = scheme === 'https' ? ':443' : ':80';
  return host.endsWith(port) ? host.slice(0, -port.length) : host;
}

/** Lower-case, de-duplicated, sorted names; `'*'` when the response varies on everything (never stored). */
export function varyNames(vary: string | string[] | undefined): string[] | '*' {
  if (vary === undefined) return [];
  const names = new Set<string>();
  for (const part of (Array.isArray(vary) ? vary.join(',') : vary).split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '*') return '*';
    if (name) names.add(name);
  }
  return [...names].sort();
}

/** Fields whose values are case-insensitive throughout: language tags (RFC 9110 §12.5.4, RFC 5646 §2.1.1). */
const CASE_INSENSITIVE_FIELDS = new Set(['accept-language']);

/**
 * RFC 9111 §4.1 allows normalising header values "in a way that is known to
 * have identical semantics": repeated fields are combined, the white space
 * around list commas dropped, and the case of language tags ignored. An
 * absent header is distinct from an empty one.
 */
export function normalizeFieldValue(value: string | string[] | undefined, name = ''): string | null {
  if (value === undefined) return null;
  const joined = Array.isArray(value) ? value.join(',') : value;
  const normal = joined
    .split(',')
    .map((part) => part.trim())
    .join(',');
  return CASE_INSENSITIVE_FIELDS.has(name) ? normal.toLowerCase() : normal;
}

export function variantKey(primary: string, names: readonly string[], headers: IncomingHttpHeaders): string {
  const selected = names.map((name) => [name, normalizeFieldValue(headers[name], name)]);
  return primary + VARIANT_SEPARATOR + JSON.stringify(selected);
}

/** True when `key` is `primary` itself or one of its variants. */
export function belongsTo(key: string, primary: string): boolean {
  return key === primary || key.startsWith(primary + VARIANT_SEPARATOR);
}

/**
 * The path and query a Location or Content-Location names, when it is on
 * the same origin as the request (RFC 9111 §4.4: a cache MUST NOT
 * invalidate URIs of another host, which would allow denial of service).
 */
export function sameOriginPath(reference: string | string[] | undefined, scheme: string, host: string, path: string): string | null {
  if (typeof reference !== 'string' || reference === '') return null;
  try {
    const base = new URL(`${scheme}://${host}${path}`);
    const target = new URL(reference, base);
    return target.origin === base.origin ? target.pathname + target.search : null;
  } catch {
    return null;
  }
}
