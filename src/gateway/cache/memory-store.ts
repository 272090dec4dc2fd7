import { LRUCache } from 'lru-cache';
import { PathIndex, entryWeight, type CacheEntry, type CacheStore, type StoreStats } from './store.js';

export interface MemoryStoreOptions {
  /** Bound of the whole store in bytes (`[cache] max_bytes`); 0 keeps nothing. */
  maxBytes: number;
}

/**
 * A byte-bounded LRU in memory. lru-cache keeps recency in O(1) and evicts
 * the least recently used entries once `maxSize` would be passed.
 */
export class MemoryStore implements CacheStore {
  private readonly lru: LRUCache<string, CacheEntry> | null;
  private readonly index = new PathIndex();
  private evictions = 0;

  constructor(options: MemoryStoreOptions) {
    this.lru =
      options.maxBytes > 0
        ? new LRUCache<string, CacheEntry>({
            maxSize: options.maxBytes,
            sizeCalculation: (entry, key) => entryWeight(key, entry),
            // An overwrite keeps the key (and so its path) in the index.
            noDisposeOnSet: true,
            dispose: (entry, key, reason) => {
              if (reason === 'evict') this.evictions++;
              this.index.remove(entry.path, key);
            },
          })
        : null;
  }

  get(key: string): CacheEntry | undefined {
    return this.lru?.get(key);
  }

  async set(key: string, entry: CacheEntry): Promise<boolean> {
    if (!this.lru || entryWeight(key, entry) > this.lru.maxSize) {
      await this.delete(key);
      return false;
    }
    this.lru.set(key, entry);
    this.index.add(entry.path, key);
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.lru?.delete(key) ?? false;
  }

  async keysForPath(path: string): Promise<string[]> {
    return this.index.keys(path);
  }

  async clear(): Promise<number> {
    const count = this.lru?.size ?? 0;
    this.lru?.clear();
    this.index.clear();
    return count;
  }

  stats(): StoreStats {
    return { entries: this.lru?.size ?? 0, bytes: this.lru?.calculatedSize ?? 0, evictions: this.evictions };
  }

  async close(): Promise<void> {}
}
