import type { Service } from '../common/service.js';
import type { Config } from '../config/types.js';
import { startBackend } from '../backend/start.js';
import { gatewayPlugins } from '../gateway/adapters/index.js';
import { startGateway } from '../gateway/start.js';
import { createPlacesProvider } from '../herd/places/index.js';
import { startHerdServer } from '../herd/server.js';
import type { HerdService } from '../herd/types.js';
import { startBalancer } from '../kv/balancer.js';
import { startNode } from '../kv/node.js';
import { startOrigin } from '../kv/origin.js';

/** A service under another name ("kv node2", "backend1"), so the start-up summary reads one name per part. */
const renamed = (service: Service, name: string): Service => ({
  name,
  host: service.host,
  port: service.port,
  close: () => service.close(),
});

/**
 * A part behind the gateway stops once the gateway has: on a signal the CLI
 * stops every service at once, and the door must close (and its in-flight
 * /kv and /herd requests finish) before what it reaches goes away.
 */
const behind = (gateway: Service, part: Service): Service => ({
  name: part.name,
  host: part.host,
  port: part.port,
  close: () => gateway.close().catch(() => undefined).then(() => part.close()),
});

/**
 * `pibl up`: every part on its configured address, wired together. Parts
 * start in dependency order — demo backends, kv origin, kv nodes, kv
 * balancer, herd servers, and the gateway last, so that its door opens onto
 * parts that already listen. If one cannot start (a port in use), the ones
 * already running are stopped before the error is reported. The services
 * come back in start order: the CLI prints one line per service, and stops
 * them all on a signal.
 */
export async function startStack(config: Config): Promise<Service[]> {
  const started: Service[] = [];
  const start = async <S extends Service>(service: Promise<S>): Promise<S> => {
    const s = await service;
    started.push(s);
    return s;
  };
  try {
    for (const [i, b] of config.backends.entries()) {
      const service = await startBackend({ host: b.host, port: b.port, name: `backend${i + 1}`, dataDir: config.kv.dataDir });
      started.push(renamed(service, `backend${i + 1}`));
    }

    const kv = config.kv;
    await start(startOrigin({ host: kv.origin.host, port: kv.origin.port, dataDir: kv.dataDir }));
    for (const [i, node] of kv.nodes.entries()) {
      const service = await startNode({
        host: node.host,
        port: node.port,
        originHost: kv.origin.host,
        originPort: kv.origin.port,
        cacheType: kv.cacheType,
        ttlSeconds: kv.ttl,
        lruCapacity: kv.lruCapacity,
      });
      started.push(renamed(service, `kv node${i + 1}`));
    }
    await start(startBalancer({ host: kv.balancer.host, port: kv.balancer.port, proxies: kv.nodes, strategy: kv.strategy, pollIntervalMs: kv.pollIntervalMs }));

    // One places provider for the five servers: one gazetteer in memory, not five.
    const places = createPlacesProvider(config.herd);
    const herdServices: HerdService[] = [];
    for (const server of config.herd.servers) {
      herdServices.push(await start(startHerdServer({ name: server.name, herd: config.herd, places })));
    }

    const gateway = await start(startGateway(config, { plugins: gatewayPlugins(config, { herdServices }) }));
    return started.map((s) => (s === gateway ? s : behind(gateway, s)));
  } catch (err) {
    // The gateway is last, so it never runs here: the parts have nothing in front of them to wait for.
    await Promise.allSettled(started.map((s) => s.close()));
    throw err;
  }
}
