import { connect } from 'node:net';
import { EventEmitter } from 'node:events';
import type { Backend, BackendPool } from './backend-pool.js';
import type { BalancerConfig } from '../config/types.js';

export interface HealthChange {
  backend: Backend;
  healthy: boolean;
  reason: string;
}

/**
 * Active and passive health, as nginx (max_fails) and HAProxy (check) do it:
 * `maxFails` consecutive failures, from probes or from real traffic, eject a
 * backend; one successful probe brings it back. Emits 'change' with a
 * HealthChange whenever a backend flips.
 */
export class HealthMonitor extends EventEmitter<{ change: [HealthChange] }> {
  private timer: NodeJS.Timeout | null = null;
  private probing = false;
  /** Aborts probes still waiting when the monitor stops, so shutdown never waits a heartbeat_timeout. */
  private readonly stopped = new AbortController();

  constructor(
    private readonly pool: BackendPool,
    private readonly config: BalancerConfig,
  ) {
    super();
  }

  start(): void {
    if (this.timer) return;
    void this.probeAll();
    this.timer = setInterval(() => void this.probeAll(), this.config.heartbeatIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopped.abort();
  }

  /** A connect error, reset or timeout on real traffic. */
  recordFailure(backend: Backend, reason: string): void {
    backend.failures++;
    backend.consecutiveFailures++;
    if (backend.healthy && backend.consecutiveFailures >= this.config.maxFails) {
      this.flip(backend, false, `${backend.consecutiveFailures} consecutive failures (last: ${reason})`);
    }
  }

  /** A response from real traffic: the failure run is over. */
  recordSuccess(backend: Backend): void {
    backend.consecutiveFailures = 0;
  }

  async probeAll(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await Promise.all(this.pool.all.map((b) => this.probe(b)));
    } finally {
      this.probing = false;
    }
  }

  private async probe(backend: Backend): Promise<void> {
    const detail = await (this.config.healthCheck === 'tcp' ? this.probeTcp(backend) : this.probeHttp(backend));
    if (this.stopped.signal.aborted) return;
    backend.lastProbe = { at: new Date().toISOString(), ok: detail === 'ok', detail };
    if (detail === 'ok') {
      backend.consecutiveFailures = 0;
      if (!backend.healthy) this.flip(backend, true, 'probe succeeded');
    } else {
      this.recordFailure(backend, `probe: ${detail}`);
    }
  }

  private async probeHttp(backend: Backend): Promise<string> {
    try {
      const res = await backend.pool.request({
        method: 'GET',
        path: this.config.healthPath,
        headers: { 'user-agent': 'pibl-health-check' },
        headersTimeout: this.config.heartbeatTimeoutMs,
        bodyTimeout: this.config.heartbeatTimeoutMs,
        signal: AbortSignal.any([AbortSignal.timeout(this.config.heartbeatTimeoutMs), this.stopped.signal]),
      });
      await res.body.dump();
      return res.statusCode >= 500 ? `status ${res.statusCode}` : 'ok';
    } catch (err) {
      return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
  }

  private probeTcp(backend: Backend): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect({ host: backend.host, port: backend.port });
      const onStop = () => done('stopped');
      const done = (result: string) => {
        this.stopped.signal.removeEventListener('abort', onStop);
        socket.destroy();
        resolve(result);
      };
      socket.setTimeout(this.config.heartbeatTimeoutMs, () => done('timeout'));
      socket.once('connect', () => done('ok'));
      socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
      this.stopped.signal.addEventListener('abort', onStop);
    });
  }

  private flip(backend: Backend, healthy: boolean, reason: string): void {
    if (this.pool.setHealthy(backend, healthy)) this.emit('change', { backend, healthy, reason });
  }
}
