import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

interface RequestMetrics {
  requests: Counter<'adapter' | 'route' | 'status'>;
  duration: Histogram<'adapter'>;
}

// Both adapters count into the same two metrics; a registry takes a name once.
const byRegistry = new WeakMap<Registry, RequestMetrics>();

function metricsFor(registry: Registry): RequestMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    const registers = [registry];
    metrics = {
      requests: new Counter({
        name: 'pibl_adapter_requests_total',
        help: 'Requests answered by the kv and herd adapters, by route pattern and status',
        labelNames: ['adapter', 'route', 'status'],
        registers,
      }),
      duration: new Histogram({
        name: 'pibl_adapter_request_duration_seconds',
        help: 'Time from request to answer on the kv and herd adapters',
        labelNames: ['adapter'],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers,
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

/**
 * Counts every answer of the adapter registered in `app` (its routes, its
 * 404s and errors). The route label is the route's pattern (`/kv/*`,
 * `/herd/:server/iamat`), never the URL, so the label set stays bounded.
 */
export function countAdapterRequests(app: FastifyInstance, registry: Registry, adapter: 'kv' | 'herd'): void {
  const { requests, duration } = metricsFor(registry);
  app.addHook('onResponse', async (request, reply) => {
    requests.inc({ adapter, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
    duration.observe({ adapter }, reply.elapsedTime / 1000);
  });
}
