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

/** What the gateway calls when `[cache] enabled`; `close()` it on shutdown. */
export function createResponseCache(config: CacheConfig, options: Omit<ResponseCacheOptions, 'config' | 'store'> = {}): ResponseCache {
  return new ResponseCache({ ...options, config, store: createCacheStore(config) });
}
