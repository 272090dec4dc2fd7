import { Counter, Gauge, type Registry } from 'prom-client';
import { TalliedCounter, TalliedHistogram } from '../common/tally-metrics.js';
import type { Backend } from './backend-pool.js';

/** Methods get their own label value; anything else is OTHER, so the label set stays bounded. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/** The gateway's Prometheus metrics (SPEC §6): base units, bounded labels. */
export class GatewayMetrics {
  private readonly requests: TalliedCounter<'backend' | 'method' | 'status' | 'cache'>;
  private readonly duration: TalliedHistogram;
  /** Proxied requests being answered now; read by the gauge at scrape time. */
  inFlight = 0;
  readonly refused: Counter;
  readonly backendFailures: Counter<'backend' | 'reason'>;
  readonly backendChanges: Counter<'backend' | 'state'>;

  constructor(registry: Registry, backends: () => Backend[]) {
    const registers = [registry];
    // Counted per request: tallied, handed to prom-client at scrape time (see common/tally-metrics.ts).
    this.requests = new TalliedCounter(
      registry,
      'pibl_http_requests_total',
      'Requests answered by the gateway, by backend, method, status and cache result',
      ['backend', 'method', 'status', 'cache'],
    );
    this.duration = new TalliedHistogram(
      registry,
      'pibl_http_request_duration_seconds',
      'Time from request to complete answer, by cache result',
      'cache',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    );
    const inFlightNow = () => this.inFlight;
    new Gauge({
      name: 'pibl_http_requests_in_flight',
      help: 'Proxied requests being answered now',
      registers,
      collect() {
        this.set(inFlightNow());
      },
    });
    this.refused = new Counter({
      name: 'pibl_http_connections_refused_total',
      help: 'Client connections refused because max_conn were open',
      registers,
    });
    this.backendFailures = new Counter({
      name: 'pibl_backend_failures_total',
      help: 'Failed attempts at a backend (connect errors, resets, timeouts, failed probes)',
      labelNames: ['backend', 'reason'],
      registers,
    });
    this.backendChanges = new Counter({
      name: 'pibl_backend_state_changes_total',
      help: 'Backend health flips, by the state entered',
      labelNames: ['backend', 'state'],
      registers,
    });
    new Gauge({
      name: 'pibl_backend_up',
      help: '1 when the backend is healthy, 0 when ejected',
      labelNames: ['backend'],
      registers,
      collect() {
        for (const b of backends()) this.set({ backend: b.name }, b.healthy ? 1 : 0);
      },
    });
    new Gauge({
      name: 'pibl_backend_in_flight',
      help: 'Requests in flight at each backend',
      labelNames: ['backend'],
      registers,
      collect() {
        for (const b of backends()) this.set({ backend: b.name }, b.inFlight);
      },
    });
  }

  observe(backend: string | undefined, method: string, status: number, cache: string | undefined, seconds: number): void {
    const cacheLabel = cache ?? 'NONE';
    const backendLabel = backend ?? 'none';
    const methodLabel = KNOWN_METHODS.has(method) ? method : 'OTHER';
    // Method, status and cache result hold no space, so with the backend's name last the key is unique per label set.
    this.requests.inc(`${methodLabel} ${status} ${cacheLabel} ${backendLabel}`, () => ({
      backend: backendLabel,
      method: methodLabel,
      status: String(status),
      cache: cacheLabel,
    }));
    this.duration.observe(cacheLabel, seconds);
  }
}

/** A counter whose value a part keeps itself as a plain number, handed to prom-client at scrape time. */
function scrapedCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
}

/** The fast lane's figures (src/gateway/front), read at scrape time. */
export function registerFastLaneMetrics(registry: Registry, stats: () => { served: number; handedOff: number }): void {
  scrapedCounter(registry, 'pibl_http_fast_lane_requests_total', 'Proxied GET and HEAD requests read and answered by the fast lane rather than node:http', () => stats().served);
  scrapedCounter(
    registry,
    'pibl_http_fast_lane_handoffs_total',
    'Client connections the fast lane handed to node:http (a body, an upgrade, an unusual or split head, an own route)',
    () => stats().handedOff,
  );
}

/**
 * The response cache's figures, read from its stats at scrape time so the
 * hot path pays nothing for them.
 */
export function registerCacheMetrics(registry: Registry, stats: () => Record<string, number>): void {
  const registers = [registry];
  const gauge = (name: string, help: string, field: string) =>
    new Gauge({ name, help, registers, collect() { this.set(stats()[field] ?? 0); } });
  const counter = (name: string, help: string, field: string) => scrapedCounter(registry, name, help, () => stats()[field] ?? 0);
  gauge('pibl_cache_entries', 'Entries in the response cache', 'entries');
  gauge('pibl_cache_bytes', 'Bytes held by the response cache (bodies plus bookkeeping)', 'bytes');
  counter('pibl_cache_evictions_total', 'Entries evicted to stay under max_bytes', 'evictions');
  counter('pibl_cache_hits_total', 'Answers served fresh from the cache', 'hits');
  counter('pibl_cache_misses_total', 'Lookups that went to a backend', 'misses');
  counter('pibl_cache_stale_served_total', 'Answers served from a stale entry (stale-while-revalidate, stale-if-error, grace)', 'staleServed');
  counter('pibl_cache_coalesced_waits_total', 'Requests that waited for another request\'s fetch instead of making their own', 'coalescedWaits');
  counter('pibl_cache_revalidations_total', 'Conditional requests sent for stale or no-cache entries', 'revalidations');
  counter('pibl_cache_invalidations_total', 'Entries removed by unsafe methods and purges', 'invalidations');
}
