import { LineClient } from '../common/line-client.js';
import { formatHostPort, type HostPort } from '../common/host-port.js';
import { BalancedTarget } from '../common/balanced-target.js';
import { decodeAnswer, KV_STATUS } from './protocol.js';

/**
 * One kv node as the balancer sees it: its pooled connection, its health
 * (the original's "node manager": consecutive failures of polls or requests
 * past a threshold make it unhealthy, one success makes it healthy again),
 * its load for least_loaded, and the METRICS it last reported.
 */
export class KvUpstream extends BalancedTarget {
  readonly address: string;
  readonly client: LineClient;
  readonly priority = 0;
  readonly weight = 1;
  /** Told when `healthy` flips, so the balancer rebuilds its list of healthy nodes only then. */
  onHealthChange: (() => void) | null = null;
  private isHealthy = true;
  consecutiveFailures = 0;
  metrics: Record<string, unknown> | null = null;
  /** total_requests from the last poll, plus what was sent since, so least_loaded is current between polls. */
  private polledTotal = 0;
  private sentSincePoll = 0;
  private polling = false;

  constructor(
    target: HostPort,
    private readonly failThreshold: number,
    clientOptions: { timeoutMs: number; keepAlive: boolean },
    /** A poll must not outlive the next one by much, or a hung node would take minutes to eject. */
    private readonly pollTimeoutMs: number,
  ) {
    super();
    this.address = formatHostPort(target);
    this.client = new LineClient({ ...target, ...clientOptions, maxSockets: 256 });
  }

  get load(): number {
    return this.polledTotal + this.sentSincePoll;
  }

  get healthy(): boolean {
    return this.isHealthy;
  }

  /** Sends one request line; resolves with the answer line, or rejects when the node failed before answering. */
  async forward(line: string): Promise<string> {
    this.sentSincePoll++;
    this.started();
    try {
      const answer = await this.client.request(line);
      // A node that "returns bad data" counts as failed, as in the original.
      if (!decodeAnswer(answer)) throw new Error(`${this.address} answered something that is not a kv answer`);
      this.succeeded();
      return answer;
    } catch (err) {
      this.failed();
      throw err;
    } finally {
      this.finished();
    }
  }

  /** One METRICS poll; skipped while the previous one is still out. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const answer = decodeAnswer(await this.client.request('METRICS', { timeoutMs: this.pollTimeoutMs }));
      const data = answer?.data;
      if (answer?.status !== KV_STATUS.OK || !data || typeof data !== 'object') throw new Error('bad METRICS answer');
      this.metrics = data as Record<string, unknown>;
      const total = this.metrics.total_requests;
      this.polledTotal = typeof total === 'number' ? total : 0;
      this.sentSincePoll = 0;
      this.loadChanged();
      this.succeeded();
    } catch {
      this.metrics = null;
      this.failed();
    } finally {
      this.polling = false;
    }
  }

  private succeeded(): void {
    this.consecutiveFailures = 0;
    this.setHealthy(true);
  }

  private failed(): void {
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.failThreshold) this.setHealthy(false);
  }

  private setHealthy(healthy: boolean): void {
    if (this.isHealthy === healthy) return;
    this.isHealthy = healthy;
    this.onHealthChange?.();
  }
}
