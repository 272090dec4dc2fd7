import { Counter, Gauge, type Registry } from 'prom-client';
import type { LineClient } from '../../common/line-client.js';
import { decodeAnswer, KV_STATUS } from '../../kv/protocol.js';

/** One node in the balancer's METRICS answer (SPEC §3). */
interface NodeState {
  healthy: boolean;
  metrics: Record<string, unknown> | null;
}

/**
 * The balancer's METRICS, asked at scrape time with a short timeout and kept
 * for `maxAgeMs`, so that one scrape (several metrics) or several scrapers
 * in a second cost the balancer one request. Never on a request path.
 */
export class KvMetricsPoll {
  #last: { at: number; nodes: Map<string, NodeState> | null } | undefined;
  #pending: Promise<Map<string, NodeState> | null> | undefined;

  constructor(
    private readonly balancer: LineClient,
    private readonly timeoutMs = 1_000,
    private readonly maxAgeMs = 1_000,
  ) {}

  /** The nodes by address ("127.0.0.1:8001"), or null when the balancer did not answer. */
  nodes(): Promise<Map<string, NodeState> | null> {
    if (this.#last && Date.now() - this.#last.at < this.maxAgeMs) return Promise.resolve(this.#last.nodes);
    this.#pending ??= this.#poll().then((nodes) => {
      this.#last = { at: Date.now(), nodes };
      this.#pending = undefined;
      return nodes;
    });
    return this.#pending;
  }

  async #poll(): Promise<Map<string, NodeState> | null> {
    try {
      const answer = decodeAnswer(await this.balancer.request('METRICS', { timeoutMs: this.timeoutMs }));
      const proxies = (answer?.data as { proxies?: unknown } | null)?.proxies;
      if (answer?.status !== KV_STATUS.OK || !proxies || typeof proxies !== 'object') return null;
      const nodes = new Map<string, NodeState>();
      for (const [address, state] of Object.entries(proxies as Record<string, Partial<NodeState>>)) {
        const metrics = state?.metrics && typeof state.metrics === 'object' ? state.metrics : null;
        nodes.set(address, { healthy: state?.healthy === true, metrics });
      }
      return nodes;
    } catch {
      return null;
    }
  }
}

/** Node counters exported, from the keys of a node's METRICS. */
const COUNTERS = [
  ['pibl_kv_node_requests_total', 'total_requests', 'Requests a kv node answered (METRICS polls not counted), as the balancer last polled'],
  ['pibl_kv_node_hits_total', 'hits', 'Cache hits of a kv node, as the balancer last polled'],
  ['pibl_kv_node_misses_total', 'misses', 'Cache misses of a kv node, as the balancer last polled'],
  ['pibl_kv_node_origin_fetches_total', 'origin_fetches', 'Fetches from the origin by a kv node, as the balancer last polled'],
] as const;

/**
 * The kv cluster on /metrics (SPEC §6), from the balancer's METRICS. The
 * `node` label is a configured node address, so the label set is bounded by
 * the config. With the balancer down, only pibl_kv_balancer_up (0) remains.
 */
export function registerKvMetrics(registry: Registry, poll: KvMetricsPoll): void {
  const registers = [registry];
  new Gauge({
    name: 'pibl_kv_balancer_up',
    help: '1 when the kv balancer answered METRICS at the last scrape',
    registers,
    async collect() {
      this.set((await poll.nodes()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'pibl_kv_node_up',
    help: '1 when the kv balancer counts the node healthy',
    labelNames: ['node'],
    registers,
    async collect() {
      this.reset();
      for (const [node, state] of (await poll.nodes()) ?? []) this.set({ node }, state.healthy ? 1 : 0);
    },
  });
  for (const [name, key, help] of COUNTERS) {
    new Counter({
      name,
      help,
      labelNames: ['node'],
      registers,
      async collect() {
        // The node keeps the running total; a restarted node starts again at 0, which Prometheus reads as a counter reset.
        this.reset();
        for (const [node, state] of (await poll.nodes()) ?? []) {
          const value = state.metrics?.[key];
          if (typeof value === 'number' && Number.isFinite(value) && value >= 0) this.inc({ node }, value);
        }
      },
    });
  }
}
