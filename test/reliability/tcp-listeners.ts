/**
 * Every TCP listener of pibl in this process (kv origin, node, balancer and
 * a herd server), with a short idle bound so that idle cases end quickly,
 * plus how each one says "that was not a request".
 */
import type { Service } from '../../src/common/service.js';
import { loadGazetteer } from '../../src/herd/places/gazetteer.js';
import { startBalancer } from '../../src/kv/balancer.js';
import { startNode } from '../../src/kv/node.js';
import { startOrigin } from '../../src/kv/origin.js';
import { makeDataDir } from '../kv/helpers.js';
import { startHerd, type Herd } from '../herd/helpers.js';
import { HOST } from './helpers.js';

export interface Listener {
  name: 'origin' | 'node' | 'lb' | 'herd';
  port: number;
  /** A request that must be answered well. */
  good: string;
  /** True when `answer` is a well-formed answer to `good`. */
  isGood(answer: string): boolean;
  /** True when `line` (one answer line) is a clear refusal. */
  isRefusal(line: string): boolean;
}

/**
 * Timing cases wait (bounded) until the event loop of this process, shared
 * by every listener, is not held by start-up work.
 */
async function eventLoopQuiet(timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 3 && Date.now() < deadline) {
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    quiet = Date.now() - started < 60 ? quiet + 1 : 0;
  }
}

export async function startListeners(idleTimeoutMs = 1_000): Promise<{ listeners: Listener[]; close(): Promise<void> }> {
  const scratch = makeDataDir();
  const services: Service[] = [];
  let herd: Herd | null = null;
  const close = async () => {
    await Promise.all(services.reverse().map((s) => s.close()));
    await herd?.close();
    scratch.cleanup();
  };
  try {
    const origin = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data, idleTimeoutMs });
    services.push(origin);
    const node = await startNode({ host: HOST, port: 0, originHost: HOST, originPort: origin.port, cacheType: 'ttl', ttlSeconds: 30, lruCapacity: 100, idleTimeoutMs });
    services.push(node);
    const lb = await startBalancer({ host: HOST, port: 0, proxies: [{ host: HOST, port: node.port }], strategy: 'round_robin', pollIntervalMs: 2_000, idleTimeoutMs });
    services.push(lb);
    herd = await startHerd({ names: ['Riley'], server: { idleTimeoutMs } });
    const kv = (name: Listener['name'], port: number): Listener => ({
      name,
      port,
      good: 'GET article/1\n',
      isGood: (a) => a.startsWith('{') && (JSON.parse(a.split('\n')[0]!) as { status: string }).status === 'OK',
      isRefusal: (l) => {
        try {
          return ['BAD_REQUEST', 'WRONG_METHOD'].includes((JSON.parse(l) as { status: string }).status);
        } catch {
          return false;
        }
      },
    });
    const listeners: Listener[] = [
      kv('origin', origin.port),
      kv('node', node.port),
      kv('lb', lb.port),
      {
        name: 'herd',
        port: herd.get('Riley').port,
        good: `IAMAT probe-client +34.068930-118.445127 ${(Date.now() / 1000).toFixed(9)}\n`,
        isGood: (a) => a.startsWith('AT Riley '),
        isRefusal: (l) => l.startsWith('? '),
      },
    ];
    // The gazetteer (tens of MB) arrives a moment after start; memory figures are taken after it.
    await loadGazetteer();
    await eventLoopQuiet();
    return { listeners, close };
  } catch (err) {
    await close();
    throw err;
  }
}
