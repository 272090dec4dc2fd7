import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { BackendPool } from './backend-pool.js';
import { createAdminGuard } from './admin-auth.js';
import { unauthorized } from './errors.js';

/** What the admin routes need from the cache (src/gateway/cache). */
export interface CacheAdmin {
  purge(url?: string): Promise<number>;
  stats(): Record<string, number>;
}

export interface AdminRoutesOptions {
  adminPrefix: string;
  adminToken: string;
  pool: BackendPool;
  strategy: string;
  registry: Registry;
  cache: CacheAdmin | null;
  startedAt: Date;
}

/**
 * `/metrics`, `<prefix>/health`, `<prefix>/status` and `DELETE <prefix>/cache`.
 * State-changing routes need the admin token when one is set.
 */
export async function adminRoutes(app: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  const { adminPrefix: prefix, pool, registry, cache } = options;
  const allowed = createAdminGuard(options.adminToken);

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });

  app.get(`${prefix}/health`, async (_request, reply) => {
    const healthy = pool.healthy().length;
    reply.code(healthy > 0 ? 200 : 503).header('cache-control', 'no-store');
    return { status: healthy > 0 ? 'ok' : 'unavailable', healthy, backends: pool.all.length };
  });

  app.get(`${prefix}/status`, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return {
      strategy: options.strategy,
      startedAt: options.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - options.startedAt.getTime()) / 1000),
      backends: pool.all.map((b) => b.toJSON()),
      cache: cache ? { enabled: true, ...cache.stats() } : { enabled: false },
    };
  });

  app.delete(`${prefix}/cache`, async (request, reply) => {
    if (!allowed(request.headers.authorization)) {
      const err = unauthorized();
      return reply.code(err.status).header('www-authenticate', 'Bearer').send(err.toJSON());
    }
    if (!cache) return { purged: 0, enabled: false };
    const url = (request.query as { url?: string }).url;
    return { purged: await cache.purge(url || undefined) };
  });
}
