import type { TestContext } from 'node:test';
import { backendLines, configFromIni } from '../helpers/config.js';
import { fetchText, gateway } from '../helpers/gateway.js';
import { namedBackend, type TestServer } from '../helpers/servers.js';

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
