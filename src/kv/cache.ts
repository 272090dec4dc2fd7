import { LRUCache } from 'lru-cache';

/**
 * A node's cache, one interface for the two kinds the original offered
 * (`--cache_type ttl|lru`), both on lru-cache: expiry and eviction are its
 * job, and it purges lazily, so no timer is left behind.
 */
export interface KvCache {
  readonly kind: 'ttl' | 'lru';
  /** The cached value (a node keeps the answer line of a hit), or undefined (absent or expired). Counts as a use for LRU order. */
  get(key: string): unknown;
  set(key: string, data: unknown): void;
  readonly size: number;
}

export interface KvCacheOptions {
  kind: 'ttl' | 'lru';
  /** ttl: seconds an entry lives; 0 stores nothing. */
  ttlSeconds: number;
  /** lru: entries kept at most. */
  lruCapacity: number;
  /**
   * ttl: entries kept at most, so that a flood of distinct keys cannot grow
   * the heap without bound (the oldest-used go first). Default 100,000.
   */
  ttlMaxEntries?: number;
}

/** Stored values are boxed: lru-cache never stores null or undefined, and `data` may be null. */
interface Entry {
  data: unknown;
}

export function createKvCache(options: KvCacheOptions): KvCache {
  const ttlMs = Math.round(options.ttlSeconds * 1000);
  // lru-cache reads ttl 0 as "never expires"; a ttl of 0 s means "do not keep".
  const storesNothing = options.kind === 'ttl' && ttlMs <= 0;
  const cache =
    options.kind === 'ttl'
      ? new LRUCache<string, Entry>({ max: options.ttlMaxEntries ?? 100_000, ttl: Math.max(1, ttlMs) })
      : new LRUCache<string, Entry>({ max: Math.max(1, options.lruCapacity) });
  return {
    kind: options.kind,
    get: (key) => cache.get(key)?.data,
    set(key, data) {
      if (!storesNothing) cache.set(key, { data });
    },
    get size() {
      return cache.size;
    },
  };
}
