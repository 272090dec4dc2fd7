import { LineClient } from '../common/line-client.js';
import { startKvLineServer } from './kv-line-server.js';
import type { Service } from '../common/service.js';
import { createKvCache } from './cache.js';
import { decodeAnswer, encodeAnswer, KV_STATUS, parseKvRequest, type KvAnswer } from './protocol.js';

export interface NodeOptions {
  host: string;
  port: number;
  originHost: string;
  originPort: number;
  cacheType: 'ttl' | 'lru';
  ttlSeconds: number;
  lruCapacity: number;
  idleTimeoutMs?: number;
  /** How long the origin may take before the answer is ORIGIN_FAILURE. Default 3 s. */
  originTimeoutMs?: number;
  /** Connections to the origin reused across requests. Default true. */
  originKeepAlive?: boolean;
}

/** What the origin said about one key, reduced to what the node needs. */
type OriginResult = { status: string; data: unknown } | { status: typeof KV_STATUS.ORIGIN_FAILURE; error: string };

/**
 * A kv caching proxy node: answers `GET resource/key` from its cache or the
 * origin, adding `cache_hit` and `node` (its port) as the original did.
 * Only OK answers are cached, so a key created later on the origin is seen;
 * with the origin down, what is cached is still served.
 */
export async function startNode(options: NodeOptions): Promise<Service> {
  const cache = createKvCache({ kind: options.cacheType, ttlSeconds: options.ttlSeconds, lruCapacity: options.lruCapacity });
  const origin = new LineClient({
    host: options.originHost,
    port: options.originPort,
    timeoutMs: options.originTimeoutMs ?? 3_000,
    maxSockets: 64,
    keepAlive: options.originKeepAlive ?? true,
  });
  const metrics = { startTime: Date.now() / 1000, total: 0, hits: 0, misses: 0, originFetches: 0, originFailures: 0 };
  // Concurrent misses for one key share one origin fetch.
  const fetching = new Map<string, Promise<OriginResult>>();
  let port = options.port;

  const fetchFromOrigin = async (path: string): Promise<OriginResult> => {
    metrics.originFetches++;
    let line: string;
    try {
      line = await origin.request(`GET ${path}`);
    } catch (err) {
      metrics.originFailures++;
      return { status: KV_STATUS.ORIGIN_FAILURE, error: `origin unreachable: ${(err as Error).message}` };
    }
    const answer = decodeAnswer(line);
    if (!answer) {
      metrics.originFailures++;
      return { status: KV_STATUS.ORIGIN_FAILURE, error: 'origin answered something that is not a kv answer' };
    }
    return { status: answer.status, data: answer.data ?? null };
  };

  // Synchronous on a hit, so that a hit costs no promise round trip; and the
  // hit's answer line is encoded once, when the entry is stored, not per hit.
  const get = (path: string): string | Promise<string> => {
    const hitLine = cache.get(path);
    if (typeof hitLine === 'string') {
      metrics.hits++;
      return hitLine;
    }
    metrics.misses++;
    let pending = fetching.get(path);
    if (!pending) {
      pending = fetchFromOrigin(path).then((result) => {
        if (result.status === KV_STATUS.OK && 'data' in result) {
          cache.set(path, encodeAnswer({ status: KV_STATUS.OK, data: result.data, cache_hit: true, node: port }));
        }
        return result;
      });
      fetching.set(path, pending);
      void pending.finally(() => fetching.delete(path));
    }
    return pending.then((result) =>
      encodeAnswer(
        'error' in result
          ? { status: result.status, data: null, cache_hit: false, node: port, error: result.error }
          : { status: result.status, data: result.status === KV_STATUS.OK ? result.data : null, cache_hit: false, node: port },
      ),
    );
  };

  const metricsAnswer = (): KvAnswer => {
    const lookups = metrics.hits + metrics.misses;
    return {
      status: KV_STATUS.OK,
      // The original's keys first; the rest are additions.
      data: {
        start_time: metrics.startTime,
        total_requests: metrics.total,
        hit_rate: lookups ? metrics.hits / lookups : 0,
        hits: metrics.hits,
        misses: metrics.misses,
        origin_fetches: metrics.originFetches,
        origin_failures: metrics.originFailures,
        cache_type: cache.kind,
        cache_size: cache.size,
        node: port,
      },
    };
  };

  const server = await startKvLineServer({
    name: `kv node`,
    host: options.host,
    port: options.port,
    idleTimeoutMs: options.idleTimeoutMs,
    handle(line) {
      const request = parseKvRequest(line);
      if (request.kind === 'metrics') return encodeAnswer(metricsAnswer());
      // METRICS polls are not traffic: total_requests counts every other line.
      metrics.total++;
      if (request.kind === 'invalid') {
        return encodeAnswer({ status: request.status, data: null, cache_hit: false, node: port, error: request.reason });
      }
      return get(request.path);
    },
  });
  port = server.port;

  return {
    name: 'kv node',
    host: options.host,
    port,
    async close() {
      await server.close();
      origin.close();
    },
  };
}
