import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per running gateway (not prom-client's global one), so that
 * several gateways in one process - as in the tests - do not collide.
 * prom-client's default process metrics carry the `pibl_` prefix too.
 */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pibl_' });
  return registry;
}
