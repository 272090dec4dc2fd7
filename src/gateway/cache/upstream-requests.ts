import type CachePolicy from 'http-cache-semantics';
import type { HeaderMap, ProxyContext } from '../upstream-types.js';
import { CLIENT_CONDITIONALS } from './answer-headers.js';
import { parseCacheControl } from './cache-control.js';
import { storedHeaders, type Policy } from './policy.js';

/**
 * The request as the policy records it: only what RFC 9111 needs, so that
 * no credentials or cookies end up in the store (the library would keep
 * every request header of a response that has Vary).
 */
export function policyRequest(ctx: ProxyContext): CachePolicy.HttpRequest {
  const source = ctx.req.headers;
  const headers: CachePolicy.Headers = { host: ctx.host };
  // The library reads only `no-store` from the request's directives (RFC 9111 §5.2.1.5).
  if (parseCacheControl(source['cache-control'])['no-store']) headers['cache-control'] = 'no-store';
  if (source.pragma !== undefined) headers.pragma = String(source.pragma);
  // RFC 9111 §3.5: only whether the request was authenticated matters.
  if (source.authorization !== undefined) headers.authorization = 'present';
  return { url: ctx.path, method: 'GET', headers };
}

/**
 * RFC 9111 §4.3.1: the stored ETag in If-None-Match and Last-Modified in
 * If-Modified-Since. The client's own validators are left out: they are
 * about the client's copy, and the cache answers them itself afterwards.
 */
export function conditionalHeaders(upstream: HeaderMap, policy: Policy): { headers: HeaderMap; hasValidators: boolean } {
  const headers = withoutConditionals(upstream);
  const stored = storedHeaders(policy);
  if (stored.etag) headers['if-none-match'] = stored.etag;
  if (stored['last-modified']) headers['if-modified-since'] = stored['last-modified'];
  return { headers, hasValidators: Boolean(stored.etag || stored['last-modified']) };
}

export function withoutConditionals(upstream: HeaderMap): HeaderMap {
  const headers = { ...upstream };
  for (const name of CLIENT_CONDITIONALS) delete headers[name];
  return headers;
}
