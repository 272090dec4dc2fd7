import type { IncomingHttpHeaders } from 'node:http';
import { VARIANT_SEPARATOR, belongsTo, urlKey, variantKey } from './keys.js';
import type { Policy } from './policy.js';
import type { CacheStore, ResponseEntry } from './store.js';

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
  constructor(
    private readonly store: CacheStore,
    private readonly now: () => number,
  ) {}

  /** At most two store reads: the primary key, then the variant it points to. */
  async lookup(primary: string, headers: IncomingHttpHeaders): Promise<Lookup> {
    const first = await this.store.get(primary);
    if (!first) return { found: false, key: primary, reason: 'uri-miss' };
    if (first.kind === 'response') return { found: true, key: primary, entry: first };
    const key = variantKey(primary, first.vary, headers);
    const variant = await this.store.get(key);
    if (variant?.kind === 'response') return { found: true, key, entry: variant };
    return { found: false, key, reason: 'vary-miss' };
  }

  /** Stores a complete answer; `vary` are the names from its Vary header (RFC 9111 §4.1). */
  async save(
    primary: string,
    path: string,
    requestHeaders: IncomingHttpHeaders,
    policy: Policy,
    body: Buffer,
    vary: readonly string[],
  ): Promise<boolean> {
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
  async refresh(key: string, entry: ResponseEntry, policy: Policy): Promise<ResponseEntry> {
    const updated: ResponseEntry = { ...entry, storedAt: this.now(), policy: policy.toObject() };
    await this.store.set(key, updated);
    return updated;
  }

  /** Removes one URL on one host with all its variants (RFC 9111 §4.4). */
  async invalidate(scheme: string, host: string, path: string): Promise<number> {
    const primary = urlKey(scheme, host, path);
    return this.deleteKeys((await this.store.keysForPath(path)).filter((key) => belongsTo(key, primary)));
  }

  /**
   * Removes a path and query on every host and variant, or everything.
   * An absolute URL limits it to that origin. Resolves with the number of
   * entries removed; for one URL, vary markers (bookkeeping) are not counted.
   */
  async purge(url?: string): Promise<number> {
    if (url === undefined || url === '') return this.store.clear();
    let path = url;
    let primary: string | null = null;
    if (/^https?:\/\//i.test(url)) {
      const parsed = new URL(url);
      path = parsed.pathname + parsed.search;
      primary = urlKey(parsed.protocol.slice(0, -1), parsed.host, path);
    }
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

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}
