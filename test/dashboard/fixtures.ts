/**
 * Answers for the kv and herd routes in the shapes SPEC §5 gives them, for
 * tests that fulfil those routes in the browser (page.route) rather than
 * running the cluster: the page's drawing and escaping do not depend on
 * where the JSON came from.
 */

/** A name no API should send, that must still show as text and run nothing. */
export const HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">';

/** A herd server's counters (src/herd/types.ts HerdCounters). */
const counters = (iamat: number, at: number, floodsSent: number, floodsFailed: number) => ({
  received: { IAMAT: iamat, WHATSAT: 0, AT: at, invalid: 0 },
  floodsSent,
  floodsFailed,
  peerConnections: floodsSent,
  peersReachable: 2,
  clients: iamat,
});

/** The Spring 2021 topology, Campbell down, and a sixth row never drawn as markup. */
export const herdStatus = (hostile = false) => ({
  servers: [
    { name: 'Riley', address: '127.0.0.1:11645', neighbors: ['Jaquez', 'Juzang'], up: true, clients: 2, counters: counters(2, 3, 4, 0) },
    { name: 'Jaquez', address: '127.0.0.1:11646', neighbors: ['Riley', 'Bernard'], up: true, clients: 1, counters: counters(1, 4, 3, 1) },
    { name: 'Juzang', address: '127.0.0.1:11647', neighbors: ['Riley', 'Campbell', 'Bernard'], up: true, clients: 0, counters: counters(0, 6, 5, 2) },
    { name: 'Campbell', address: '127.0.0.1:11648', neighbors: ['Juzang', 'Bernard'], up: false, clients: null, counters: null },
    {
      name: hostile ? HOSTILE_NAME : 'Bernard',
      address: '127.0.0.1:11649',
      neighbors: ['Jaquez', 'Juzang', 'Campbell'],
      up: true,
      clients: 3,
      counters: counters(3, 3, 6, 1),
    },
  ],
});

const nodeMetrics = (requests: number, hits: number, misses: number) => ({
  start_time: '2026-11-23T13:00:00.000Z',
  total_requests: requests,
  hit_rate: hits / (hits + misses),
  hits,
  misses,
  origin_fetches: misses,
  origin_failures: 0,
  cache_type: 'lru',
  cache_size: misses,
  node: 0,
});

export const kvMetrics = () => ({
  status: 'OK',
  data: {
    strategy: 'round_robin',
    current_index: 1,
    proxies: {
      '127.0.0.1:12001': { healthy: true, metrics: nodeMetrics(120, 90, 30), in_flight: 0, consecutive_failures: 0 },
      '127.0.0.1:12002': { healthy: true, metrics: nodeMetrics(118, 80, 38), in_flight: 1, consecutive_failures: 0 },
      '127.0.0.1:12003': { healthy: false, metrics: null, in_flight: 0, consecutive_failures: 4 },
    },
  },
});
