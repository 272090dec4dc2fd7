import type { TestContext } from 'node:test';
import type { Config } from '../../src/config/types.js';
import { gatewayPlugins } from '../../src/gateway/adapters/index.js';
import { startGateway } from '../../src/gateway/start.js';
import { backendLines, configFromIni } from '../helpers/config.js';
import { fetchText, gateway, logLines } from '../helpers/gateway.js';
import { namedBackend, type TestServer } from '../helpers/servers.js';
import { NAMES, startHerd, type Herd } from '../herd/helpers.js';
import { makeDataDir, startCluster, type Cluster } from '../kv/helpers.js';

export type Gateway = Awaited<ReturnType<typeof gateway>>;

/**
 * A real gateway in-process with `count` named backends, probing every
 * 0.2 s so that a killed backend turns down within about a second, the
 * response cache on. Everything is closed when the test ends.
 */
export async function startStack(t: TestContext, count = 3): Promise<{ gw: Gateway; backends: TestServer[] }> {
  const backends: TestServer[] = [];
  for (let i = 0; i < count; i++) backends.push(await namedBackend(`server${i + 1}`));
  const gw = await gateway(
    configFromIni(
      `${backendLines(backends.map((b) => b.port))}\n` +
        '[balancer]\nheartbeat_interval = 0.2\nheartbeat_timeout = 0.5\nmax_fails = 2\n' +
        '[cache]\nenabled = true\n',
    ),
  );
  t.after(async () => {
    await gw.close();
    await Promise.all(backends.map((b) => b.close()));
  });
  return { gw, backends };
}

/**
 * Steady GET traffic through the gateway (one cacheable path, the rest
 * unique) so that request rates, latency and the cache have something to
 * show. Returns the function that stops it and waits for the last request.
 */
export function startTraffic(gw: Gateway, everyMs = 20): () => Promise<void> {
  let i = 0;
  const pending = new Set<Promise<unknown>>();
  const timer = setInterval(() => {
    const path = i % 2 ? '/page' : `/item/${i}`;
    i++;
    const p = fetchText(`${gw.url}${path}`).catch(() => undefined);
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await Promise.all(pending);
  };
}

/**
 * The whole system in process: `count` backends, a kv cluster (origin, three
 * nodes, balancer polling every 0.2 s) and the herd with every server but
 * `downServer` running (its port configured, nothing listening), all behind
 * one gateway with the kv and herd adapters, as `pibl up` wires them.
 */
export async function startFullStack(
  t: TestContext,
  { count = 2, downServer = 'Campbell' }: { count?: number; downServer?: string } = {},
): Promise<{ gw: Gateway; backends: TestServer[]; cluster: Cluster; herd: Herd }> {
  const cleanups: Array<() => Promise<void> | void> = [];
  t.after(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const data = makeDataDir();
  cleanups.push(() => data.cleanup());
  const cluster = await startCluster(data.data, { lb: { pollIntervalMs: 200 } });
  cleanups.push(() => cluster.close());
  const herd = await startHerd({ names: NAMES.filter((n) => n !== downServer) });
  cleanups.push(() => herd.close());
  const backends: TestServer[] = [];
  for (let i = 0; i < count; i++) {
    const b = await namedBackend(`server${i + 1}`);
    cleanups.push(() => b.close());
    backends.push(b);
  }
  const base = configFromIni(`${backendLines(backends.map((b) => b.port))}\n[balancer]\nheartbeat_interval = 0.2\nmax_fails = 2\n[cache]\nenabled = true\n`);
  const config: Config = { ...base, kv: { ...base.kv, balancer: { host: '127.0.0.1', port: cluster.lb.port } }, herd: herd.config };
  const sink = logLines();
  const service = await startGateway(config, { logSink: sink, plugins: gatewayPlugins(config, { herdServices: [...herd.servers.values()] }) });
  const gw = Object.assign(service, { url: `http://127.0.0.1:${service.port}`, logs: sink.lines });
  cleanups.push(() => gw.close());
  return { gw, backends, cluster, herd };
}
