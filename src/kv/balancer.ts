import type { HostPort } from '../common/host-port.js';
import { startKvLineServer } from './kv-line-server.js';
import type { Service } from '../common/service.js';
import { leastLoaded, roundRobin, type Strategy } from '../common/strategies.js';
import { followLoad } from '../common/balanced-target.js';
import { encodeAnswer, KV_STATUS } from './protocol.js';
import { KvUpstream } from './upstreams.js';

export interface BalancerOptions {
  host: string;
  port: number;
  proxies: HostPort[];
  strategy: 'round_robin' | 'least_loaded';
  pollIntervalMs: number;
  /** Consecutive failures (polls or requests) that make a node unhealthy. Default 3. */
  failThreshold?: number;
  idleTimeoutMs?: number;
  /**
   * How long a node may take to answer one line. Default 5 s: above a node's
   * own origin timeout (3 s), so a slow origin shows as ORIGIN_FAILURE from
   * the node rather than as a dead node.
   */
  requestTimeoutMs?: number;
  /** Connections to the nodes reused across requests. Default true. */
  upstreamKeepAlive?: boolean;
}

/**
 * The kv load balancer: forwards each request line to a healthy node chosen
 * by the strategy and returns its answer untouched; a node that fails before
 * answering is left for another healthy one, so losing a node costs clients
 * nothing. `METRICS` is answered here with the cluster's state, in the
 * original's shape.
 */
export async function startBalancer(options: BalancerOptions): Promise<Service> {
  const clientOptions = { timeoutMs: options.requestTimeoutMs ?? 5_000, keepAlive: options.upstreamKeepAlive ?? true };
  const threshold = options.failThreshold ?? 3;
  // At least 2 s: a busy process (or a starved CI box) must not eject healthy nodes.
  const pollTimeoutMs = Math.min(clientOptions.timeoutMs, Math.max(options.pollIntervalMs, 2_000));
  const upstreams = options.proxies.map((p) => new KvUpstream(p, threshold, clientOptions, pollTimeoutMs));
  const rr = roundRobin<KvUpstream>();
  const strategy: Strategy<KvUpstream> = options.strategy === 'round_robin' ? rr : leastLoaded<KvUpstream>();
  followLoad(upstreams, strategy);
  // Rebuilt only when a node's health flips, so a request scans nothing.
  let healthy: KvUpstream[] | null = null;
  for (const u of upstreams) u.onHealthChange = () => (healthy = null);
  const healthyNodes = () => (healthy ??= upstreams.filter((u) => u.healthy));
  const indexOf = new Map(upstreams.map((u, i) => [u, i]));
  let lastPicked = 0;

  const forward = async (line: string): Promise<string> => {
    const tried = new Set<KvUpstream>();
    if (healthyNodes().length === 0) return encodeAnswer({ status: KV_STATUS.NO_HEALTHY_PROXY, data: null });
    let lastError = '';
    // Each node is tried at most once per request, so this ends.
    for (;;) {
      // A failure below may change health, and with it the list.
      const upstream = strategy.pick(healthyNodes(), tried);
      if (!upstream) break;
      tried.add(upstream);
      lastPicked = indexOf.get(upstream)!;
      try {
        return `${await upstream.forward(line)}\n`;
      } catch (err) {
        lastError = `${upstream.address}: ${(err as Error).message}`;
      }
    }
    return encodeAnswer({ status: KV_STATUS.PROXY_UNREACHABLE, data: null, error: lastError || 'no node could answer' });
  };

  const metricsAnswer = () => {
    const proxies: Record<string, unknown> = {};
    for (const u of upstreams) {
      proxies[u.address] = { healthy: u.healthy, metrics: u.metrics, in_flight: u.inFlight, consecutive_failures: u.consecutiveFailures };
    }
    const currentIndex = upstreams.length ? (options.strategy === 'round_robin' ? rr.cursor % upstreams.length : lastPicked) : 0;
    return encodeAnswer({ status: KV_STATUS.OK, data: { strategy: options.strategy, current_index: currentIndex, proxies } });
  };

  const pollAll = () => {
    for (const u of upstreams) void u.poll();
  };
  pollAll();
  const poller = setInterval(pollAll, Math.max(10, options.pollIntervalMs));

  let server;
  try {
    server = await startKvLineServer({
      name: 'kv balancer',
      host: options.host,
      port: options.port,
      idleTimeoutMs: options.idleTimeoutMs,
      handle: (line) => (line === 'METRICS' ? metricsAnswer() : forward(line)),
    });
  } catch (err) {
    clearInterval(poller);
    for (const u of upstreams) u.client.close();
    throw err;
  }
  const listening = server;

  return {
    name: 'kv balancer',
    host: options.host,
    port: listening.port,
    async close() {
      clearInterval(poller);
      await listening.close();
      for (const u of upstreams) u.client.close();
    },
  };
}
