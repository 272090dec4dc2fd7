import type { IncomingHttpHeaders } from 'node:http';
import { LRUCache } from 'lru-cache';
import { VARIANT_SEPARATOR, belongsTo, urlKey, variantKey } from './keys.js';
import type { Policy } from './policy.js';
import type { CacheEntry, CacheStore, MaybePromise, ResponseEntry } from './store.js';

/** Where an answer goes, and when its fetch began (see CacheEntries.begin). */
export interface Target {
  primary: string;
  token: number;
}

export type Lookup =
  | { found: true; key: string; entry: ResponseEntry }
  /** `key`: where the answer for this request would be stored, the coalescing key. */
  | { found: false; key: string; reason: 'uri-miss' | 'vary-miss' };

/**
 * Reading and writing entries in their key layout (./keys.ts) on top of a
 * CacheStore: the primary key holds a response or a vary marker, variants
 * sit beside it, and path -> keys is the store's secondary index.
 */
export class CacheEntries {
  /**
   * Invalidations by path, in the order they happened. An answer whose fetch
   * began before its path was invalidated or purged is not stored: an unsafe
   * request that completes while a GET is at the backend must win (RFC 9111
   * §4.4), or the GET would put the old representation back. Bounded: only
   * fetches still in flight need it.
   */
  private sequence = 0;
  private clearedAt = 0;
  private readonly invalidatedAt = new LRUCache<string, number>({ max: 10_000 });

  constructor(
    private readonly store: CacheStore,
    private readonly now: () => number,
  ) {}

  /** A token to take before fetching; save() and refresh() compare it with later invalidations. */
  begin(): number {
    return ++this.sequence;
  }

  private outdated(target: Target, path: string): boolean {
    return target.token < this.clearedAt || target.token < (this.invalidatedAt.get(path) ?? 0);
  }

  /**
   * At most two store reads: the primary key, then the variant it points
   * to. Synchronous whenever the store answers synchronously.
   */
  lookup(primary: string, headers: IncomingHttpHeaders): MaybePromise<Lookup> {
    const first = this.store.get(primary);
    return first instanceof Promise ? first.then((entry) => this.fromPrimary(primary, entry, headers)) : this.fromPrimary(primary, first, headers);
  }

  private fromPrimary(primary: string, first: CacheEntry | undefined, headers: IncomingHttpHeaders): MaybePromise<Lookup> {
    if (!first) return { found: false, key: primary, reason: 'uri-miss' };
    if (first.kind === 'response') return { found: true, key: primary, entry: first };
    const key = variantKey(primary, first.vary, headers);
    const variant = this.store.get(key);
    return variant instanceof Promise ? variant.then((entry) => fromVariant(key, entry)) : fromVariant(key, variant);
  }

  /** Stores a complete answer; `vary` are the names from its Vary header (RFC 9111 §4.1). */
  async save(
    target: Target,
    path: string,
    requestHeaders: IncomingHttpHeaders,
    policy: Policy,
    body: Buffer,
    vary: readonly string[],
  ): Promise<boolean> {
    if (this.outdated(target, path)) return false;
    const { primary } = target;
    const storedAt = this.now();
    const entry: ResponseEntry = { kind: 'response', path, storedAt, policy: policy.toObject(), body };
    const current = await this.store.get(primary);
    if (vary.length === 0) {
      if (current?.kind === 'vary') await this.removeVariants(primary, path);
      return this.store.set(primary, entry);
    }
    if (!(current?.kind === 'vary' && sameNames(current.vary, vary))) {
      // The selecting headers changed: variants made under the old ones can no longer be selected.
      await this.removeVariants(primary, path);
      if (!(await this.store.set(primary, { kind: 'vary', path, storedAt, vary: [...vary] }))) return false;
    }
    return this.store.set(variantKey(primary, vary, requestHeaders), entry);
  }

  /** Replaces the policy of a stored entry after a 304 (RFC 9111 §4.3.4), keeping its body. */
  async refresh(target: Target, key: string, entry: ResponseEntry, policy: Policy): Promise<ResponseEntry> {
    const updated: ResponseEntry = { ...entry, storedAt: this.now(), policy: policy.toObject() };
    if (!this.outdated(target, entry.path)) await this.store.set(key, updated);
    return updated;
  }

  /** Removes one URL on one host with all its variants (RFC 9111 §4.4). */
  async invalidate(scheme: string, host: string, path: string): Promise<number> {
    this.invalidatedAt.set(path, ++this.sequence);
    const primary = urlKey(scheme, host, path);
    return this.deleteKeys((await this.store.keysForPath(path)).filter((key) => belongsTo(key, primary)));
  }

  /**
   * Removes a path and query on every host and variant, or everything.
   * An absolute URL limits it to that origin. Resolves with the number of
   * entries removed; for one URL, vary markers (bookkeeping) are not counted.
   */
  async purge(url?: string): Promise<number> {
    if (url === undefined || url === '') {
      this.clearedAt = ++this.sequence;
      return this.store.clear();
    }
    let path = url;
    let primary: string | null = null;
    if (/^https?:\/\//i.test(url)) {
      const parsed = new URL(url);
      path = parsed.pathname + parsed.search;
      primary = urlKey(parsed.protocol.slice(0, -1), parsed.host, path);
    }
    this.invalidatedAt.set(path, ++this.sequence);
    const keys = (await this.store.keysForPath(path)).filter((key) => primary === null || belongsTo(key, primary));
    const removed = await this.deleteKeys(keys);
    return removed === 0 ? 0 : this.countResponses(keys);
  }

  private countResponses(keys: string[]): number {
    const variantsOf = new Set(keys.filter((k) => k.includes(VARIANT_SEPARATOR)).map((k) => k.slice(0, k.indexOf(VARIANT_SEPARATOR))));
    return keys.filter((key) => !variantsOf.has(key)).length;
  }

  private async removeVariants(primary: string, path: string): Promise<void> {
    const keys = (await this.store.keysForPath(path)).filter((key) => key !== primary && belongsTo(key, primary));
    await this.deleteKeys(keys);
  }

  private async deleteKeys(keys: string[]): Promise<number> {
    let removed = 0;
    for (const key of keys) if (await this.store.delete(key)) removed++;
    return removed;
  }
}

function fromVariant(key: string, variant: CacheEntry | undefined): Lookup {
  return variant?.kind === 'response' ? { found: true, key, entry: variant } : { found: false, key, reason: 'vary-miss' };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}
