import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { DASHBOARD_JS } from './client-script.js';
import { readLatency } from './latency.js';
import { renderPage, type PagePaths } from './page.js';
import { DASHBOARD_CSS } from './styles.js';

export { readLatency, type LatencySnapshot } from './latency.js';

export interface DashboardOptions extends PagePaths {
  /** The gateway's registry; with it the page shows request latency. */
  registry?: Registry;
}

// Everything the page loads comes from the gateway itself: no inline code, no other origin.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const send = (reply: FastifyReply, type: string, body: string) =>
  reply
    .header('content-type', type)
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', CSP)
    .header('referrer-policy', 'no-referrer')
    .send(body);

/**
 * The dashboard (SPEC §5): `GET <admin>/` serves one page that polls
 * `<admin>/status`, `<admin>/latency`, `<kv>/-/metrics` and
 * `<herd>/-/status` once a second; a panel whose route is absent or failing
 * says so while the others stay live.
 */
export async function dashboardRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const prefix = options.adminPrefix;
  const page = renderPage(options);

  app.get(prefix, async (_request, reply) => reply.redirect(`${prefix}/`, 302));
  app.get(`${prefix}/`, async (_request, reply) => send(reply, 'text/html; charset=utf-8', page));
  app.get(`${prefix}/dashboard.js`, async (_request, reply) => send(reply, 'text/javascript; charset=utf-8', DASHBOARD_JS));
  app.get(`${prefix}/dashboard.css`, async (_request, reply) => send(reply, 'text/css; charset=utf-8', DASHBOARD_CSS));
  app.get(`${prefix}/latency`, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return readLatency(options.registry);
  });
}

/** The plugin bound to its options, for `startGateway(config, { plugins })`. */
export const createDashboardPlugin = (options: DashboardOptions) => (app: FastifyInstance) => dashboardRoutes(app, options);
