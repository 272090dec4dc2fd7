import type { CacheConfig } from '../../config/types.js';
import { DiskStore } from './disk-store.js';
import { MemoryStore } from './memory-store.js';
import { ResponseCache, type ResponseCacheOptions } from './response-cache.js';
import type { CacheStore } from './store.js';

export { ResponseCache, type ResponseCacheOptions } from './response-cache.js';
export type { CacheResult } from './answer-headers.js';
export type { CacheStats } from './stats.js';
export type { CacheEntry, CacheStore, StoreStats } from './store.js';
export { MemoryStore } from './memory-store.js';
export { DiskStore } from './disk-store.js';

/** The store `[cache] store` names. The disk store rebuilds its index from `dir` in the background; its first operations wait for it. */
export function createCacheStore(config: CacheConfig): CacheStore {
  return config.store === 'disk' ? new DiskStore({ dir: config.dir, maxBytes: config.maxBytes }) : new MemoryStore({ maxBytes: config.maxBytes });
}

/**
 * What the gateway calls when `[cache] enabled`. Then, per proxied request
 * (every method): `await cache.handle(ctx, fetchUpstream, pass)` (`pass`: the
 * gateway's streaming path, which misses and hit-for-pass take); the cache writes
 * the whole answer to `ctx.res` and sets `ctx.cacheResult` and `ctx.backend`;
 * it rejects only with a GatewayError and only before writing anything.
 * `purge(url?)` and `stats()` serve the admin routes; `close()` on shutdown
 * waits for background refreshes and the disk store's writes.
 */
export function createResponseCache(config: CacheConfig, options: Omit<ResponseCacheOptions, 'config' | 'store'> = {}): ResponseCache {
  return new ResponseCache({ ...options, config, store: createCacheStore(config) });
}
