import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { LineClient } from '../../common/line-client.js';
import { formatHostPort } from '../../common/host-port.js';
import type { Config } from '../../config/types.js';
import type { HerdService } from '../../herd/types.js';
import { registerHerdMetrics } from './herd-metrics.js';
import { herdRoutes } from './herd-routes.js';
import { herdTargets, reachableHost } from './herd-targets.js';
import { KvMetricsPoll, registerKvMetrics } from './kv-metrics.js';
import { kvRoutes } from './kv-routes.js';
import { countAdapterRequests } from './request-metrics.js';

/** What startGateway passes to each plugin: the registry its /metrics serves. */
export interface GatewayPluginOptions {
  registry?: Registry;
}

export type GatewayPlugin = (app: FastifyInstance, options: GatewayPluginOptions) => Promise<void>;

export interface AdapterOptions {
  /** Herd servers running in this process (`pibl up`): their counters and stores are read directly. */
  herdServices?: readonly HerdService[];
}

/** `/kv`: routes and the cluster's metrics over one pool of connections to the balancer. */
export function kvAdapter(config: Config): GatewayPlugin {
  return async (app, { registry }) => {
    const target = { host: reachableHost(config.kv.balancer.host), port: config.kv.balancer.port };
    const balancer = new LineClient({ ...target, timeoutMs: config.gateway.firstByteTimeoutMs, maxSockets: 64 });
    app.addHook('onClose', async () => balancer.close());
    if (registry) countAdapterRequests(app, registry, 'kv');
    await kvRoutes(app, { prefix: config.gateway.kvPrefix, balancer, balancerAddress: formatHostPort(target) });
    if (registry) registerKvMetrics(registry, new KvMetricsPoll(balancer));
  };
}

/** `/herd`: routes, status and metrics for the configured servers. */
export function herdAdapter(config: Config, options: AdapterOptions = {}): GatewayPlugin {
  return async (app, { registry }) => {
    const targets = herdTargets(config.herd, options.herdServices);
    // WHATSAT waits for the places provider, which has its own bound.
    const timeoutMs = Math.max(5_000, config.herd.placesTimeoutMs + 2_000);
    if (registry) countAdapterRequests(app, registry, 'herd');
    await herdRoutes(app, { prefix: config.gateway.herdPrefix, targets, timeoutMs });
    if (registry) registerHerdMetrics(registry, targets);
  };
}

/**
 * The plugins a gateway registers unless told otherwise: the kv and herd
 * adapters (SPEC §5) with their metrics (SPEC §6).
 */
export function gatewayPlugins(config: Config, options: AdapterOptions = {}): GatewayPlugin[] {
  return [kvAdapter(config), herdAdapter(config, options)];
}
