import type { ProxyContext } from '../upstream-types.js';
import {
  cacheStatus,
  clientValidatorMatches,
  notModifiedHeaders,
  statusHasNoContent,
  storedAnswerHeaders,
  addCacheHeaders,
  type CacheResult,
  type CacheStatusParts,
} from './answer-headers.js';
import { policyStatus, storedHeaders, type Policy } from './policy.js';
import { selectRange } from './ranges.js';
import type { ResponseEntry } from './store.js';

/**
 * Writes an answer built from a stored response (RFC 9111 §4): the client's
 * own validators may turn it into a 304 (§4.3.2), a single Range into a 206
 * (RFC 9110 §14), and HEAD gets the headers alone.
 */
export function writeStoredAnswer(ctx: ProxyContext, entry: ResponseEntry, policy: Policy, result: CacheResult, parts: CacheStatusParts): void {
  const status = policyStatus(policy);
  const validated = parts.fwdStatus === 304;
  const headers = addCacheHeaders(storedAnswerHeaders(policy, status, entry.body.length, validated), result, cacheStatus(parts));
  if (status >= 200 && status < 300 && clientValidatorMatches(ctx.req.headers, headers)) {
    ctx.res.writeHead(304, notModifiedHeaders(headers));
    ctx.res.end();
    return;
  }
  let body = entry.body;
  let code = status;
  if (status === 200) {
    const ifRange = ctx.req.headers['if-range'];
    const range = selectRange(ctx.req.headers.range, Array.isArray(ifRange) ? ifRange.join(', ') : ifRange, storedHeaders(policy), body.length);
    if (range.kind === 'unsatisfiable') {
      ctx.res.writeHead(416, { ...notModifiedHeaders(headers), 'content-range': `bytes */${body.length}`, 'content-length': '0' });
      ctx.res.end();
      return;
    }
    if (range.kind === 'partial') {
      code = 206;
      body = body.subarray(range.start, range.end + 1);
      headers['content-range'] = `bytes ${range.start}-${range.end}/${entry.body.length}`;
      headers['content-length'] = String(body.length);
    }
  }
  ctx.res.writeHead(code, headers);
  ctx.res.end(ctx.method === 'HEAD' || statusHasNoContent(status) ? undefined : body);
}
