import { maxHeaderSize } from 'node:http';
import { Pool } from 'undici';
import { BalancedTarget } from '../common/balanced-target.js';
import type { BackendConfig } from '../config/types.js';
import { BackendClient } from './backend-client/backend-client.js';

/** How long an unused connection to a backend is kept, by both clients (a backend's Keep-Alive hint may shorten it). */
const KEEP_ALIVE_MS = 30_000;

export interface PoolTimeouts {
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
}

/**
 * One upstream and what the gateway knows of it. The counters are plain
 * fields (not metrics objects) because the strategies read them on every
 * request.
 */
export class Backend extends BalancedTarget {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
  readonly address: string;
  /** Keep-alive connections to this backend for requests with a body, the cache's own requests and probes. */
  readonly pool: Pool;
  /** Keep-alive connections to this backend for the proxy's requests without a body (the hot path). */
  readonly client: BackendClient;
  healthy = true;
  requests = 0;
  failures = 0;
  consecutiveFailures = 0;
  lastProbe: { at: string; ok: boolean; detail: string } | null = null;

  constructor(config: BackendConfig, timeouts: PoolTimeouts) {
    super();
    this.name = config.name;
    this.host = config.host;
    this.port = config.port;
    this.priority = config.priority;
    this.weight = config.weight;
    this.address = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    this.pool = new Pool(`http://${this.address}`, {
      connections: 256,
      pipelining: 1,
      connectTimeout: timeouts.connectTimeoutMs,
      headersTimeout: timeouts.firstByteTimeoutMs,
      bodyTimeout: timeouts.idleTimeoutMs,
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: 600_000,
    });
    this.client = new BackendClient({
      host: config.host,
      port: config.port,
      connections: 256,
      connectTimeoutMs: timeouts.connectTimeoutMs,
      headersTimeoutMs: timeouts.firstByteTimeoutMs,
      bodyTimeoutMs: timeouts.idleTimeoutMs,
      keepAliveTimeoutMs: KEEP_ALIVE_MS,
      // undici's default, node's --max-http-header-size.
      maxHeaderBytes: maxHeaderSize,
    });
  }

  override started(): void {
    this.requests++;
    super.started();
  }

  toJSON() {
    return {
      name: this.name,
      address: this.address,
      healthy: this.healthy,
      inFlight: this.inFlight,
      requests: this.requests,
      failures: this.failures,
      consecutiveFailures: this.consecutiveFailures,
      priority: this.priority,
      weight: this.weight,
      lastProbe: this.lastProbe,
    };
  }
}

export class BackendPool {
  readonly all: Backend[];
  private healthyCache: Backend[] | null = null;

  private readonly byName: Map<string, Backend>;

  constructor(configs: BackendConfig[], timeouts: PoolTimeouts) {
    this.all = configs.map((c) => new Backend(c, timeouts));
    this.byName = new Map(this.all.map((b) => [b.name, b]));
  }

  /** The backend of that name (the log and metrics know backends by name). */
  named(name: string): Backend | undefined {
    return this.byName.get(name);
  }

  /** The healthy backends in configured order; rebuilt only when health changes. */
  healthy(): Backend[] {
    return (this.healthyCache ??= this.all.filter((b) => b.healthy));
  }

  setHealthy(backend: Backend, healthy: boolean): boolean {
    if (backend.healthy === healthy) return false;
    backend.healthy = healthy;
    this.healthyCache = null;
    return true;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.all.flatMap((b) => [b.pool.close(), b.client.close()]));
  }

  destroy(): Promise<unknown> {
    return Promise.allSettled(this.all.flatMap((b) => [b.pool.destroy(), b.client.destroy()]));
  }
}
