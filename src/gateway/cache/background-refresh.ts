import type { CacheConfig } from '../../config/types.js';
import type { FetchUpstream, ProxyContext } from '../upstream-types.js';
import { discard, readBounded } from './body-stream.js';
import type { CacheEntries, Lookup, Target } from './entries.js';
import type { Flights } from './flights.js';
import { flattenHeaders, type Policy, type PolicyFactory } from './policy.js';
import type { CacheCounters } from './stats.js';
import { afterNotModified, storableVary } from './storability.js';
import { conditionalHeaders, policyRequest } from './upstream-requests.js';

export interface RefreshDeps {
  config: CacheConfig;
  flights: Flights;
  policies: PolicyFactory;
  entries: CacheEntries;
  counters: CacheCounters;
  /** Keeps the task known until it settles, so that closing the cache waits for it. */
  track(task: Promise<unknown>): void;
}

/**
 * RFC 5861 §3 stale-while-revalidate: the stale entry has already been
 * answered; this refreshes it once per key (a refresh in flight holds the
 * key's flight, so later stale hits do not start another), with the stored
 * validators, and stores what comes back. No client waits for it.
 */
export function refreshInBackground(
  deps: RefreshDeps,
  ctx: ProxyContext,
  fetch: FetchUpstream,
  target: Target,
  stored: Extract<Lookup, { found: true }>,
  policy: Policy,
): void {
  const release = deps.flights.lead(stored.key);
  if (!release) return;
  // Everything the task needs is copied now: the client's request is over long before it ends.
  const { headers, hasValidators } = conditionalHeaders(ctx.upstreamHeaders, policy);
  const requestHeaders = { ...ctx.req.headers };
  const request = policyRequest(ctx);
  const path = ctx.path;
  const task = (async () => {
    try {
      deps.counters.revalidations++;
      const response = await fetch({ method: 'GET', path, headers, body: null });
      if (response.status === 304 && hasValidators) {
        discard(response.body);
        const updated = afterNotModified(deps.policies, request, policy, response);
        if (updated) {
          deps.counters.notModified++;
          await deps.entries.refresh(target, stored.key, stored.entry, updated);
        }
        return;
      }
      const fresh = deps.policies.create(request, { status: response.status, headers: flattenHeaders(response.headers) });
      // A close-delimited body is not kept: cut short by a reset it would look whole.
      const vary = response.delimited ? storableVary(fresh, deps.config) : null;
      if (!vary) {
        discard(response.body);
        return;
      }
      const body = await readBounded(response.body, deps.config.maxObjectBytes);
      if (body) await deps.entries.save(target, path, requestHeaders, fresh, body, vary);
    } catch {
      // The stale entry keeps being served within its window; a later request tries again.
    } finally {
      release();
    }
  })();
  deps.track(task);
}
