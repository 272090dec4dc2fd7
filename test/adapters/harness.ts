/**
 * A real kv cluster, a real herd and a real gateway, in process on ephemeral
 * loopback ports, for the adapter tests. The herd runs either "in process"
 * (its services handed to the gateway, as `pibl up` does) or "standalone"
 * (the gateway reaches it over TCP only, as `pibl gateway` does).
 */
import { request as httpRequest } from 'node:http';
import type { Config } from '../../src/config/types.js';
import { gatewayPlugins } from '../../src/gateway/adapters/index.js';
import { startGateway, type GatewayService } from '../../src/gateway/start.js';
import { loadGazetteer } from '../../src/herd/places/index.js';
import { configFromIni } from '../helpers/config.js';
import { logLines } from '../helpers/gateway.js';
import { startHerd, type Herd } from '../herd/helpers.js';
import { makeDataDir, startCluster, type Cluster } from '../kv/helpers.js';

export interface AdapterStack {
  config: Config;
  cluster: Cluster;
  herd: Herd;
  gateway: GatewayService;
  url: string;
  close(): Promise<void>;
}

export async function startAdapterStack(options: { herd: 'in-process' | 'standalone'; pollIntervalMs?: number }): Promise<AdapterStack> {
  const data = makeDataDir();
  const cleanups: Array<() => Promise<void> | void> = [() => data.cleanup()];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const cluster = await startCluster(data.data, { lb: { pollIntervalMs: options.pollIntervalMs ?? 100 } });
    cleanups.push(() => cluster.close());
    const herd = await startHerd();
    cleanups.push(() => herd.close());
    // The gazetteer loads once per process, in the background; waiting for it
    // here keeps its load off the tests' requests (it may hold the event loop).
    await loadGazetteer();
    const base = configFromIni('quiet = true\n[balancer]\nheartbeat_interval = 60\n[cache]\nenabled = false\n');
    const config: Config = {
      ...base,
      // No backend: the proxy is not what these tests are about.
      backends: [],
      kv: { ...base.kv, balancer: { host: '127.0.0.1', port: cluster.lb.port } },
      herd: herd.config,
    };
    const herdServices = options.herd === 'in-process' ? [...herd.servers.values()] : undefined;
    const gateway = await startGateway(config, {
      logSink: logLines(),
      ...(herdServices ? { plugins: gatewayPlugins(config, { herdServices }) } : {}),
    });
    cleanups.push(() => gateway.close());
    return { config, cluster, herd, gateway, url: `http://127.0.0.1:${gateway.port}`, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/**
 * One request with node:http, the path sent exactly as written (no URL
 * normalisation: `/kv/article/..` must reach the gateway as it is).
 */
export function call(
  port: number,
  method: string,
  path: string,
  body?: { type?: string; data: string | Buffer; length?: number },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body?.type) headers['content-type'] = body.type;
    if (body) headers['content-length'] = body.length ?? Buffer.byteLength(body.data);
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${path}: no answer in 15 s`)));
    req.on('error', reject);
    req.end(body?.data);
  });
}

/** Every sample of /metrics as name{labels} -> value. */
export async function scrape(port: number): Promise<Map<string, number>> {
  const answer = await call(port, 'GET', '/metrics');
  const samples = new Map<string, number>();
  for (const line of answer.text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line);
    if (m) samples.set(m[1]!, Number(m[2]));
  }
  return samples;
}

/** The samples of one metric: labels text -> value. */
export const series = (samples: Map<string, number>, name: string) =>
  [...samples].filter(([key]) => key === name || key.startsWith(`${name}{`)).map(([key, value]) => ({ labels: key.slice(name.length), value }));

/** Asserts a GatewayError body and returns its code. */
export function errorCode(answer: Answer): string {
  const code = answer.json?.error?.code;
  if (typeof code !== 'string' || typeof answer.json?.error?.message !== 'string') {
    throw new Error(`expected {error:{code,message}}, got ${answer.status} ${answer.text.slice(0, 300)}`);
  }
  return code;
}
