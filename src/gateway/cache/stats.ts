import type { StoreStats } from './store.js';

/** Counters since start; the store adds entries, bytes and evictions. */
// Type aliases, not interfaces, so that they fit the admin routes' Record<string, number>.
export type CacheCounters = {
  hits: number;
  misses: number;
  /** Answers from a stale entry: stale-while-revalidate, stale-if-error, grace, max-stale. */
  staleServed: number;
  /** Requests that waited for another request's upstream fetch instead of making their own. */
  coalescedWaits: number;
  bypasses: number;
  /** Conditional requests the cache sent for stale or no-cache entries. */
  revalidations: number;
  /** Of those, how many the origin answered 304. */
  notModified: number;
  /** Entries removed by unsafe methods (RFC 9111 §4.4) and purges. */
  invalidations: number;
};

export type CacheStats = CacheCounters & StoreStats;

export const emptyCounters = (): CacheCounters => ({
  hits: 0,
  misses: 0,
  staleServed: 0,
  coalescedWaits: 0,
  bypasses: 0,
  revalidations: 0,
  notModified: 0,
  invalidations: 0,
});
