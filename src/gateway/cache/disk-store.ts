import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { PathIndex, entryWeight, type CacheEntry, type CacheStore, type MaybePromise, type StoreStats } from './store.js';

export interface DiskStoreOptions {
  /** Folder of the entry files (`[cache] dir`); created when missing. */
  dir: string;
  /** Bound of the whole store in bytes (`[cache] max_bytes`); 0 keeps nothing. */
  maxBytes: number;
  /** Bound of the copies kept in memory as well; default DISK_STORE_MEMORY_BYTES (never more than maxBytes). */
  memoryBytes?: number;
}

/**
 * The most recently used entries are kept in memory too, up to this many
 * bytes: reading a file on every hit cost about 7 times a memory hit (119
 * against 16 µs CPU per request), where nginx leans on the page cache and
 * sendfile. With the default max_bytes (64 MiB) that is the whole store.
 */
export const DISK_STORE_MEMORY_BYTES = 64 * 1024 * 1024;

interface IndexRecord {
  path: string;
}

interface FileMeta {
  key: string;
  entry: Omit<CacheEntry, 'body'>;
}

const SUFFIX = '.entry';

/**
 * Entries as files under `dir` so that a restarted gateway starts warm (the
 * original assignment's persistent cache). The file name is a SHA-256 of the
 * key, never request text, so no request can name a path outside `dir`.
 * File layout: 4-byte big-endian length, JSON meta (key, path, policy), body.
 *
 * The index (key -> record, LRU by recency, bounded by `max_bytes`) lives in
 * memory and is rebuilt from the files at start, oldest first; copies of
 * the most recently used entries live in memory as well (see
 * DISK_STORE_MEMORY_BYTES), so the disk is read on a hit only past that
 * bound. File work on one key is serialised, so a delete that races a write
 * never leaves the written file behind.
 */
export class DiskStore implements CacheStore {
  private readonly dir: string;
  private readonly lru: LRUCache<string, IndexRecord> | null;
  /** Copies of recently used entries, so that a hit does not read its file. */
  private readonly hot: LRUCache<string, CacheEntry> | null;
  private readonly index = new PathIndex();
  /** The latest unfinished set() per key; a delete or a newer set cancels it. */
  private readonly latestWrite = new Map<string, object>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private evictions = 0;
  private tmpCounter = 0;
  private readonly ready: Promise<void>;
  private loaded = false;
  /** Set when `dir` could not be used; the store then behaves as an empty one that keeps nothing. */
  unusable: unknown = null;

  constructor(options: DiskStoreOptions) {
    this.dir = options.dir;
    this.lru =
      options.maxBytes > 0
        ? new LRUCache<string, IndexRecord>({
            maxSize: options.maxBytes,
            noDisposeOnSet: true,
            dispose: (record, key, reason) => {
              if (reason === 'evict') this.evictions++;
              this.index.remove(record.path, key);
              this.hot?.delete(key);
              void this.serial(key, () => unlinkQuietly(this.fileOf(key)));
            },
          })
        : null;
    const memoryBytes = Math.min(options.maxBytes, options.memoryBytes ?? DISK_STORE_MEMORY_BYTES);
    this.hot = memoryBytes > 0 ? new LRUCache<string, CacheEntry>({ maxSize: memoryBytes, sizeCalculation: (entry, key) => entryWeight(key, entry) }) : null;
    // A folder that cannot be read or made leaves an empty store that keeps nothing: the
    // gateway goes on without a cache rather than failing requests.
    this.ready = this.load()
      .catch((err: unknown) => {
        this.unusable = err;
      })
      .finally(() => {
        this.loaded = true;
      });
  }


  get(key: string): MaybePromise<CacheEntry | undefined> {
    if (!this.loaded) return this.ready.then(() => this.get(key));
    // A key the index does not hold is a miss without touching the disk.
    if (this.unusable || !this.lru?.get(key)) return undefined;
    return this.hot?.get(key) ?? this.readEntry(key).then((entry) => this.keepHot(key, entry));
  }

  /** Keeps a copy read from disk, unless the key changed meanwhile (a write pending or done, a delete). */
  private keepHot(key: string, entry: CacheEntry | undefined): CacheEntry | undefined {
    if (entry && this.hot && this.lru?.has(key) && !this.latestWrite.has(key) && !this.hot.has(key)) this.keepInMemory(key, entry);
    return entry;
  }

  private keepInMemory(key: string, entry: CacheEntry): void {
    if (this.hot && entryWeight(key, entry) <= this.hot.maxSize) this.hot.set(key, entry);
  }

  private async readEntry(key: string): Promise<CacheEntry | undefined> {
    try {
      const parsed = decode(await readFile(this.fileOf(key)));
      if (parsed && parsed.key === key) return parsed.entry;
    } catch {
      // Removed underneath us (eviction, purge): a miss.
    }
    return undefined;
  }

  async set(key: string, entry: CacheEntry): Promise<boolean> {
    await this.ready;
    const weight = entryWeight(key, entry);
    if (this.unusable || !this.lru || weight > this.lru.maxSize) {
      await this.delete(key);
      return false;
    }
    const token = {};
    this.latestWrite.set(key, token);
    return this.serial(key, async () => {
      if (this.latestWrite.get(key) !== token) return false;
      const file = this.fileOf(key);
      const tmp = `${file}.${process.pid}.${this.tmpCounter++}.tmp`;
      try {
        await writeFile(tmp, encode(key, entry));
        await rename(tmp, file);
      } catch {
        // A full disk or a folder removed underneath us: this entry is simply not kept.
        await unlinkQuietly(tmp);
        return false;
      }
      if (this.latestWrite.get(key) !== token) {
        // Deleted while writing: the delete must win.
        if (!this.latestWrite.has(key)) await unlinkQuietly(file);
        return false;
      }
      this.latestWrite.delete(key);
      this.lru!.set(key, { path: entry.path }, { size: weight });
      this.index.add(entry.path, key);
      this.keepInMemory(key, entry);
      return true;
    });
  }

  async delete(key: string): Promise<boolean> {
    await this.ready;
    this.latestWrite.delete(key);
    this.hot?.delete(key);
    return this.lru?.delete(key) ?? false;
  }

  async keysForPath(path: string): Promise<string[]> {
    await this.ready;
    return this.index.keys(path);
  }

  async clear(): Promise<number> {
    await this.ready;
    const count = this.lru?.size ?? 0;
    this.latestWrite.clear();
    this.lru?.clear();
    this.hot?.clear();
    this.index.clear();
    return count;
  }

  stats(): StoreStats {
    return { entries: this.lru?.size ?? 0, bytes: this.lru?.calculatedSize ?? 0, evictions: this.evictions };
  }

  async close(): Promise<void> {
    await this.ready;
    // Bounded: each pass waits for the chains that existed; new work stops with the gateway.
    for (let pass = 0; pass < 10 && this.chains.size > 0; pass++) await Promise.allSettled([...this.chains.values()]);
  }

  private fileOf(key: string): string {
    return join(this.dir, createHash('sha256').update(key).digest('hex') + SUFFIX);
  }

  /** Runs file work for one key after the work already queued for it. */
  private serial<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return next;
  }

  private async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const found: Array<{ key: string; entry: CacheEntry }> = [];
    for (const name of await readdir(this.dir)) {
      const file = join(this.dir, name);
      if (name.endsWith('.tmp')) {
        await unlinkQuietly(file);
        continue;
      }
      if (!name.endsWith(SUFFIX)) continue;
      const parsed = decode(await readFile(file).catch(() => null));
      if (!parsed || this.fileOf(parsed.key) !== file) {
        await unlinkQuietly(file);
        continue;
      }
      found.push(parsed);
    }
    if (!this.lru) {
      await Promise.all(found.map(({ key }) => unlinkQuietly(this.fileOf(key))));
      return;
    }
    // Oldest first, so that the most recently stored end up most recently used.
    found.sort((a, b) => a.entry.storedAt - b.entry.storedAt);
    for (const { key, entry } of found) {
      this.lru.set(key, { path: entry.path }, { size: entryWeight(key, entry) });
      if (!this.lru.has(key)) continue;
      this.index.add(entry.path, key);
      // The newest come last, so the memory copies end up being the most recently stored.
      this.keepInMemory(key, entry);
    }
  }
}

function encode(key: string, entry: CacheEntry): Buffer {
  const { body, ...rest } = entry.kind === 'response' ? entry : { ...entry, body: Buffer.alloc(0) };
  const meta: FileMeta = { key, entry: rest };
  const json = Buffer.from(JSON.stringify(meta));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(json.length);
  return Buffer.concat([head, json, body]);
}

function decode(data: Buffer | null): { key: string; entry: CacheEntry } | null {
  if (!data || data.length < 4) return null;
  const length = data.readUInt32BE(0);
  if (4 + length > data.length) return null;
  try {
    const meta = JSON.parse(data.subarray(4, 4 + length).toString('utf8')) as FileMeta;
    if (typeof meta.key !== 'string' || !meta.entry || typeof meta.entry.path !== 'string') return null;
    const entry = (
      meta.entry.kind === 'response' ? { ...meta.entry, body: Buffer.from(data.subarray(4 + length)) } : meta.entry
    ) as CacheEntry;
    return { key: meta.key, entry };
  } catch {
    return null;
  }
}

async function unlinkQuietly(file: string): Promise<void> {
  await unlink(file).catch(() => {});
}
