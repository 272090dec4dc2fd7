import type { OutgoingHttpHeaders } from 'node:http';
import type { CacheConfig } from '../../config/types.js';
import { GatewayError, badGateway, gatewayTimeout } from '../errors.js';
import type { FetchUpstream, HeaderMap, PassUpstream, ProxyContext, UpstreamRequest, UpstreamResponse } from '../upstream-types.js';
import { relayInterim } from '../interim.js';
import { addCacheHeaders, cacheStatus, type CacheResult, type CacheStatusParts, type ForwardReason } from './answer-headers.js';
import { refreshInBackground, type RefreshDeps } from './background-refresh.js';
import { KeepingTap, discard, streamToClient } from './body-stream.js';
import type { Directives } from './cache-control.js';
import { CacheEntries, type Lookup, type Target } from './entries.js';
import { Flights } from './flights.js';
import { evaluate, requestDirectives, staleOnError } from './freshness.js';
import { sameOriginPath, urlKey } from './keys.js';
import { createPolicyFactory, flattenHeaders, type Policy, type PolicyFactory } from './policy.js';
import { emptyCounters, type CacheCounters, type CacheStats } from './stats.js';
import { afterNotModified, mayBeStorable, storableVary } from './storability.js';
import type { CacheStore, ResponseEntry } from './store.js';
import { writeStoredAnswer } from './stored-answer.js';
import { conditionalHeaders, policyRequest, withoutConditionals } from './upstream-requests.js';

export interface ResponseCacheOptions {
  config: CacheConfig;
  store: CacheStore;
  /** Clock in ms since the epoch; tests inject one. */
  now?: () => number;
  /** Longest a coalesced request waits for another one's fetch before fetching itself. */
  coalesceWaitMs?: number;
  /** Called once for every answer the cache gave, for metrics. */
  onResult?: (result: CacheResult, ctx: ProxyContext) => void;
}

/** RFC 9110 §9.2.1; every other method is unsafe and invalidates (RFC 9111 §4.4). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
type StoredFound = Extract<Lookup, { found: true }>;
const noop = () => {};
/** What an answer that may not be stored says about its URL: a 5xx says nothing (errors pass), so the hit-for-miss mark stays as it was. */
const unstoredOutcome = (status: number): false | undefined => (status >= 500 ? undefined : false);
const HIT_FOR_PASS_URI = cacheStatus({ fwd: 'uri-miss', detail: 'hit-for-pass' });
const HIT_FOR_PASS_VARY = cacheStatus({ fwd: 'vary-miss', detail: 'hit-for-pass' });

/** A header value node refuses to send (a control character, say) is the backend's fault: 502, and its body released. */
function writeUpstreamHead(ctx: ProxyContext, response: UpstreamResponse, headers: OutgoingHttpHeaders): void {
  try {
    ctx.res.writeHead(response.status, headers);
  } catch (err) {
    response.body.destroy();
    throw badGateway(`backend sent an invalid response head: ${(err as Error).message}`, err);
  }
}

/** A request for the client's exchange: its interim answers (103 Early Hints) are relayed, never stored. */
function upstreamRequest(ctx: ProxyContext, method: string, headers: HeaderMap, body: UpstreamRequest['body'] = null): UpstreamRequest {
  return { method, path: ctx.path, headers, body, onInterim: (status, fields) => relayInterim(ctx.res, status, fields) };
}

/**
 * A shared HTTP cache (RFC 9111) in front of backend selection, so one
 * entry serves whichever backend produced it. SPEC §2 "Response cache" is
 * its contract. The gateway calls `handle` for every proxied request; the
 * cache answers the client itself and leaves backend choice, retries and
 * timeouts to `fetchUpstream`.
 */
export class ResponseCache {
  private readonly config: CacheConfig;
  private readonly store: CacheStore;
  private readonly policies: PolicyFactory;
  private readonly entries: CacheEntries;
  private readonly flights: Flights;
  private readonly counters: CacheCounters = emptyCounters();
  /** Background refreshes and store writes still running; close() waits for them. */
  private readonly pending = new Set<Promise<unknown>>();
  private readonly onResult: ResponseCacheOptions['onResult'];
  private readonly refreshDeps: RefreshDeps;
  /** Requests that waited for another one's fetch, and why that one went forward. */
  private readonly collapsed = new WeakMap<ProxyContext, ForwardReason>();

  constructor(options: ResponseCacheOptions) {
    const now = options.now ?? Date.now;
    this.config = options.config;
    this.store = options.store;
    this.policies = createPolicyFactory({ ttlSeconds: options.config.ttl, now });
    this.entries = new CacheEntries(options.store, now);
    this.flights = new Flights(options.coalesceWaitMs ?? 30_000);
    this.onResult = options.onResult;
    this.refreshDeps = {
      config: this.config,
      flights: this.flights,
      policies: this.policies,
      entries: this.entries,
      counters: this.counters,
      track: (task) => void this.track(task),
    };
  }

  /** Answers one proxied request; rejects with a GatewayError only before anything was written. */
  handle(ctx: ProxyContext, fetch: FetchUpstream, pass: PassUpstream): Promise<void> {
    // A GET with content (RFC 9110 §9.3.1: no defined semantics) goes by the cache: the key
    // does not cover the content, so an answer that depends on it must not be shared.
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      return ctx.body === null ? this.read(ctx, fetch, true, pass) : this.passThrough(ctx, fetch, { fwd: 'bypass' }, 'BYPASS', false);
    }
    return this.passThrough(ctx, fetch, { fwd: 'method' }, 'BYPASS', !SAFE_METHODS.has(ctx.method));
  }

  /** Purges one path and query (every host and Vary variant; an absolute URL: that origin only), or everything. */
  async purge(url?: string): Promise<number> {
    const removed = await this.entries.purge(url);
    this.counters.invalidations += removed;
    return removed;
  }

  stats(): CacheStats {
    return { ...this.counters, ...this.store.stats() };
  }

  /** Waits for background refreshes and the store's pending writes. */
  async close(): Promise<void> {
    for (let pass = 0; pass < 10 && this.pending.size > 0; pass++) await Promise.allSettled([...this.pending]);
    await this.store.close();
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.then(
      () => this.pending.delete(work),
      () => this.pending.delete(work),
    );
    return work;
  }

  private read(ctx: ProxyContext, fetch: FetchUpstream, mayWait: boolean, pass: PassUpstream): Promise<void> {
    const primary = urlKey(ctx.scheme, ctx.host, ctx.path);
    // Taken before anything is fetched: an invalidation after this point wins over what we fetch.
    const target: Target = { primary, token: this.entries.begin() };
    const lookup = this.entries.lookup(primary, ctx.req.headers);
    // A lookup the store answered at once goes on in this same tick: a hit is written and a
    // miss is at the backend before the request handler returns.
    if (lookup instanceof Promise) return lookup.then((found) => this.use(ctx, fetch, mayWait, pass, target, found));
    if (!lookup.found && this.passesBy(ctx, lookup)) return this.hitForPass(ctx, lookup, pass);
    return this.use(ctx, fetch, mayWait, pass, target, lookup);
  }

  /**
   * A URL whose last answer could not be stored goes straight through the gateway's
   * streaming path (no body copy, no policy: Varnish's hit-for-pass, and the cost of a
   * miss with the cache on stays that of the cache off), unless the request asks for
   * something only the cache can do (a Range, only-if-cached).
   */
  private passesBy(ctx: ProxyContext, lookup: Extract<Lookup, { found: false }>): boolean {
    if (ctx.req.headers.range !== undefined || this.flights.coalesces(lookup.key)) return false;
    return ctx.req.headers['cache-control'] === undefined || !requestDirectives(ctx.req.headers)['only-if-cached'];
  }

  /**
   * The answer is still watched: one that looks storable lifts the mark, so the next
   * request takes the full path and is stored (the hit-for-miss behaviour).
   */
  private hitForPass(ctx: ProxyContext, lookup: Extract<Lookup, { found: false }>, pass: PassUpstream): Promise<void> {
    this.counters.misses++;
    this.mark(ctx, 'MISS');
    const key = lookup.key;
    const status = lookup.reason === 'uri-miss' ? HIT_FOR_PASS_URI : HIT_FOR_PASS_VARY;
    return pass(ctx, (code, headers, delimited) => {
      if (delimited && mayBeStorable(code, headers, ctx.req.headers, this.config)) this.flights.remember(key, true);
      addCacheHeaders(headers, 'MISS', status);
    });
  }

  private async use(ctx: ProxyContext, fetch: FetchUpstream, mayWait: boolean, pass: PassUpstream, target: Target, lookup: Lookup): Promise<void> {
    const requestCc = requestDirectives(ctx.req.headers);
    // Ranges are answered from a fresh whole answer; otherwise they pass through, and
    // partial answers are never stored (RFC 9111 §3.3 would allow combining them; we do not).
    if (ctx.req.headers.range !== undefined && !(lookup.found && this.isFresh(lookup.entry, requestCc))) {
      return this.passThrough(ctx, fetch, { fwd: 'bypass' }, 'BYPASS', false);
    }

    if (lookup.found) {
      const policy = this.policies.fromObject(lookup.entry.policy);
      const use = evaluate(policy, requestCc);
      switch (use.kind) {
        case 'fresh':
          this.counters.hits++;
          return this.answer(ctx, lookup.entry, policy, 'HIT', { hit: true });
        case 'stale-accepted':
          this.counters.staleServed++;
          return this.answer(ctx, lookup.entry, policy, 'STALE', { hit: true, detail: 'max-stale' });
        case 'stale-while-revalidate':
          this.counters.staleServed++;
          refreshInBackground(this.refreshDeps, ctx, fetch, target, lookup, policy);
          return this.answer(ctx, lookup.entry, policy, 'STALE', { hit: true, detail: 'stale-while-revalidate' });
        case 'revalidate':
          if (requestCc['only-if-cached']) return this.onlyIfCached(ctx);
          // A client's own no-cache asks for this very request to go to the origin: no sharing.
          if (use.reason === 'request') {
            await this.revalidate(ctx, fetch, target, lookup, policy, requestCc, 'request', noop);
            return;
          }
          return this.coalesce(ctx, fetch, lookup.key, 'stale', mayWait, (release) =>
            this.revalidate(ctx, fetch, target, lookup, policy, requestCc, 'stale', release),
            pass,
          );
      }
    }
    if (requestCc['only-if-cached']) return this.onlyIfCached(ctx);
    if (this.passesBy(ctx, lookup)) return this.hitForPass(ctx, lookup, pass);
    // A HEAD miss goes to the origin as HEAD; only GET answers are stored.
    if (ctx.method === 'HEAD') return this.passThrough(ctx, fetch, { fwd: lookup.reason }, 'MISS', false);
    return this.coalesce(ctx, fetch, lookup.key, lookup.reason, mayWait, (release) => this.missThroughPass(ctx, pass, target, lookup.reason, release), pass);
  }

  /**
   * A miss on the gateway's streaming path, as the uncached path relays it (no body stream
   * of our own); when the answer may be stored, a tap keeps a copy up to max_object_bytes and
   * stores it once the whole body went to the client. Resolves, once that is done, whether
   * answers for this URL can be stored (undefined for an error answer that could not).
   */
  private async missThroughPass(ctx: ProxyContext, pass: PassUpstream, target: Target, fwd: ForwardReason, release: () => void): Promise<boolean | undefined> {
    let outcome: Promise<boolean> | boolean | undefined;
    // Resolves once the head is written; rejects, with nothing written, when no backend answered.
    await pass(ctx, (status, headers, delimited) => {
      const kept = this.missHead(ctx, status, headers, { fwd }, release, delimited);
      if (!kept) {
        outcome = unstoredOutcome(status);
        return;
      }
      const length = headers['content-length'];
      const tap = new KeepingTap(this.config.maxObjectBytes, release, typeof length === 'string' ? Number(length) : undefined);
      outcome = this.storeTapped(ctx, target, kept, tap);
      return tap;
    });
    return outcome;
  }

  /**
   * At the head of an answer from upstream, on either miss path: counts the miss, adds our
   * headers (the object is ours: the policy takes its own copy of the fields first), and
   * resolves the policy and Vary names when the answer may be stored. When it may not,
   * waiters need not wait for the body: they are released to fetch for themselves.
   */
  private missHead(
    ctx: ProxyContext,
    status: number,
    headers: HeaderMap,
    parts: CacheStatusParts,
    release: () => void,
    delimited: boolean,
  ): { policy: Policy; vary: string[] } | null {
    const policy = this.policies.create(policyRequest(ctx), { status, headers: flattenHeaders(headers) });
    // A close-delimited body is not kept: cut short by a reset it would look whole.
    const vary = delimited ? storableVary(policy, this.config) : null;
    // Once per request: a head the client never got (refused as invalid) is retried on another backend.
    if (ctx.cacheResult !== 'MISS') {
      this.counters.misses++;
      this.mark(ctx, 'MISS');
    }
    // `stored` is the intent; a body that outgrows max_object_bytes is dropped after the header went out.
    addCacheHeaders(headers, 'MISS', cacheStatus({ ...parts, stored: vary !== null }));
    if (vary === null) release();
    return vary === null ? null : { policy, vary };
  }

  /**
   * Stores what the tap kept once the body ended. Resolves whether answers for this URL can be
   * shared, for coalescing: a body that outgrew the limit says no, one cut short says nothing against.
   */
  private async storeTapped(ctx: ProxyContext, target: Target, kept: { policy: Policy; vary: string[] }, tap: KeepingTap): Promise<boolean> {
    const body = await tap.done;
    if (!body) return tap.complete === false;
    await this.track(this.entries.save(target, ctx.path, ctx.req.headers, kept.policy, body, kept.vary));
    return true;
  }

  /** RFC 9111 §5.2.1.7: only-if-cached with nothing usable without the origin answers 504. */
  private onlyIfCached(ctx: ProxyContext): never {
    this.counters.misses++;
    this.mark(ctx, 'MISS');
    throw gatewayTimeout('only-if-cached: the cache holds no answer it may use without the origin');
  }

  /** Runs `work` as the one request at the backend for `key`, or waits for the one that is and looks again. */
  private async coalesce(
    ctx: ProxyContext,
    fetch: FetchUpstream,
    key: string,
    reason: ForwardReason,
    mayWait: boolean,
    work: (release: () => void) => Promise<boolean | void>,
    pass: PassUpstream,
  ): Promise<void> {
    const release = this.flights.coalesces(key) ? this.flights.lead(key) : noop;
    if (!release && mayWait) {
      this.counters.coalescedWaits++;
      this.collapsed.set(ctx, reason);
      await this.flights.wait(key);
      return this.read(ctx, fetch, false, pass);
    }
    try {
      const storable = await work(release ?? noop);
      if (typeof storable === 'boolean') this.flights.remember(key, storable);
    } finally {
      release?.();
    }
  }

  /** RFC 9111 §4.3: a conditional request with the stored validators; 304 refreshes the entry. */
  private async revalidate(
    ctx: ProxyContext,
    fetch: FetchUpstream,
    target: Target,
    stored: StoredFound,
    policy: Policy,
    requestCc: Directives,
    reason: 'stale' | 'request',
    release: () => void,
  ): Promise<boolean | void> {
    const fwd: ForwardReason = reason;
    const { headers, hasValidators } = conditionalHeaders(ctx.upstreamHeaders, policy);
    this.counters.revalidations++;
    let response: UpstreamResponse;
    try {
      response = await fetch(upstreamRequest(ctx, 'GET', headers));
    } catch (err) {
      const why = err instanceof GatewayError ? staleOnError(policy, requestCc, true, this.config.grace) : null;
      if (why) {
        this.counters.staleServed++;
        return this.answer(ctx, stored.entry, policy, 'STALE', { fwd: 'stale', detail: why });
      }
      throw err;
    }
    ctx.backend = response.backend;
    if (response.status === 304 && hasValidators) {
      discard(response.body);
      const updated = afterNotModified(this.policies, policyRequest(ctx), policy, response);
      if (updated) {
        this.counters.notModified++;
        this.counters.hits++;
        const entry = await this.track(this.entries.refresh(target, stored.key, stored.entry, updated));
        return this.answer(ctx, entry, updated, 'HIT', { fwd, fwdStatus: 304 });
      }
      // A 304 about some other representation (RFC 9111 §4.3.4): ask again, unconditionally.
      response = await fetch(upstreamRequest(ctx, 'GET', withoutConditionals(ctx.upstreamHeaders)));
      ctx.backend = response.backend;
    }
    // RFC 5861 §4: an error answer may be replaced by the stale entry.
    if (response.status >= 500 && staleOnError(policy, requestCc, false, this.config.grace)) {
      discard(response.body);
      this.counters.staleServed++;
      return this.answer(ctx, stored.entry, policy, 'STALE', { fwd: 'stale', fwdStatus: response.status, detail: 'stale-if-error' });
    }
    return this.answerUpstream(ctx, response, target, { fwd, fwdStatus: response.status }, release);
  }

  /** A full answer from upstream: streamed to the client, kept for the store when storable. Resolves whether it was storable (undefined for an error answer). */
  private async answerUpstream(
    ctx: ProxyContext,
    response: UpstreamResponse,
    target: Target,
    parts: CacheStatusParts,
    release: () => void,
  ): Promise<boolean | undefined> {
    ctx.backend = response.backend;
    const kept = this.missHead(ctx, response.status, response.headers, parts, release, response.delimited);
    writeUpstreamHead(ctx, response, response.headers);
    const tap = kept ? new KeepingTap(this.config.maxObjectBytes, release) : null;
    await streamToClient(response.body, ctx.res, tap);
    return kept && tap ? this.storeTapped(ctx, target, kept, tap) : unstoredOutcome(response.status);
  }

  /** Methods and requests the cache does not answer: forwarded and streamed back as they are. */
  private async passThrough(
    ctx: ProxyContext,
    fetch: FetchUpstream,
    parts: CacheStatusParts,
    result: CacheResult,
    invalidates: boolean,
  ): Promise<void> {
    const response = await fetch(upstreamRequest(ctx, ctx.method, ctx.upstreamHeaders, ctx.body));
    ctx.backend = response.backend;
    // RFC 9111 §4.4: a non-error answer to an unsafe method invalidates the target URI, and
    // Location / Content-Location when they are on the same origin. Done before the client
    // sees the answer, so its next GET cannot get the old entry.
    if (invalidates && response.status >= 200 && response.status < 400) await this.invalidateFor(ctx, response.headers);
    if (result === 'MISS') this.counters.misses++;
    else this.counters.bypasses++;
    this.mark(ctx, result);
    writeUpstreamHead(ctx, response, addCacheHeaders(response.headers, result, cacheStatus(parts)));
    await streamToClient(response.body, ctx.res, null);
  }

  private async invalidateFor(ctx: ProxyContext, headers: HeaderMap): Promise<void> {
    const paths = new Set([ctx.path]);
    for (const name of ['location', 'content-location']) {
      const path = sameOriginPath(headers[name], ctx.scheme, ctx.host, ctx.path);
      if (path) paths.add(path);
    }
    for (const path of paths) this.counters.invalidations += await this.entries.invalidate(ctx.scheme, ctx.host, path);
  }

  private isFresh(entry: ResponseEntry, requestCc: Directives): boolean {
    return evaluate(this.policies.fromObject(entry.policy), requestCc).kind === 'fresh';
  }

  private answer(ctx: ProxyContext, entry: ResponseEntry, policy: Policy, result: CacheResult, parts: CacheStatusParts): void {
    this.mark(ctx, result);
    // RFC 9211 §2.7: a request that waited for another's fetch and was answered with its result went
    // forward collapsed, it was not a plain hit.
    const collapsedFrom = this.collapsed.get(ctx);
    if (collapsedFrom && parts.hit) parts = { fwd: collapsedFrom, collapsed: true };
    writeStoredAnswer(ctx, entry, policy, result, parts);
  }

  private mark(ctx: ProxyContext, result: CacheResult): void {
    ctx.cacheResult = result;
    this.onResult?.(result, ctx);
  }
}
