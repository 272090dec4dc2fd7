import type CachePolicy from 'http-cache-semantics';

/**
 * One stored thing. A `response` is a full GET answer: its policy (status,
 * headers, timing, as http-cache-semantics serialises it) and its body. A
 * `vary` marker sits at a URL's primary key when the stored answer for that
 * URL varies: it names the request headers that select a variant (RFC 9111
 * §4.1), the way Squid keeps its vary markers.
 */
export type CacheEntry = ResponseEntry | VaryMarker;

interface EntryBase {
  /** Path and query: the secondary index behind purge and invalidation. */
  path: string;
  /** When it was stored, ms since the epoch (for the disk store's warm start order). */
  storedAt: number;
}

export interface ResponseEntry extends EntryBase {
  kind: 'response';
  policy: CachePolicy.CachePolicyObject;
  body: Buffer;
}

export interface VaryMarker extends EntryBase {
  kind: 'vary';
  /** Lower-case request header names, as the response's `Vary` listed them. */
  vary: string[];
}

export type MaybePromise<T> = T | Promise<T>;

export type StoreStats = {
  entries: number;
  bytes: number;
  evictions: number;
};

/**
 * Where entries live. Every implementation must pass
 * test/gateway/cache/store-contract.ts. Keys are opaque strings made by
 * ./keys.ts; a store never interprets them beyond hashing (disk).
 *
 * Cost bound: get/set/delete are O(1) amortised (LRU list + hash map) and
 * keysForPath is O(variants of that path), so nothing on the request path
 * scales with the number of entries.
 */
export interface CacheStore {
  /**
   * Answers synchronously when it can (the memory store always, the disk
   * store on a miss), so that a lookup puts no microtask hop in front of
   * the backend request or the stored answer; `await` works on both forms.
   */
  get(key: string): MaybePromise<CacheEntry | undefined>;
  /** Resolves false when the entry was not kept (larger than the store's bound). */
  set(key: string, entry: CacheEntry): Promise<boolean>;
  delete(key: string): Promise<boolean>;
  /** Every key stored under this path and query, whatever the host or variant. */
  keysForPath(path: string): Promise<string[]>;
  /** Removes everything; resolves with how many entries were removed. */
  clear(): Promise<number>;
  stats(): StoreStats;
  /** Waits for pending writes and releases resources. */
  close(): Promise<void>;
}

/**
 * What an entry weighs against `max_bytes`: the body plus a fixed allowance
 * for the key, policy and bookkeeping, so that many tiny entries cannot
 * exceed the bound unnoticed.
 */
export const ENTRY_OVERHEAD_BYTES = 512;

export function entryWeight(key: string, entry: CacheEntry): number {
  if (entry.kind === 'vary') return ENTRY_OVERHEAD_BYTES + key.length;
  let headerBytes = 0;
  for (const [name, value] of Object.entries(entry.policy.resh)) {
    headerBytes += name.length + (Array.isArray(value) ? value.join('').length : (value ?? '').length);
  }
  return ENTRY_OVERHEAD_BYTES + key.length + headerBytes + entry.body.length;
}

/** Keeps path -> keys for O(1) purge of one URL (no scan of the store). */
export class PathIndex {
  private readonly byPath = new Map<string, Set<string>>();

  add(path: string, key: string): void {
    let keys = this.byPath.get(path);
    if (!keys) this.byPath.set(path, (keys = new Set()));
    keys.add(key);
  }

  remove(path: string, key: string): void {
    const keys = this.byPath.get(path);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.byPath.delete(path);
  }

  keys(path: string): string[] {
    return [...(this.byPath.get(path) ?? [])];
  }

  clear(): void {
    this.byPath.clear();
  }
}
