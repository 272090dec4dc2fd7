import type { Service } from '../common/service.js';
import type { Config } from '../config/types.js';
import { startBackend } from '../backend/start.js';
import { startGateway } from '../gateway/start.js';

/**
 * `pibl up`: every part on its configured address, wired together. Parts
 * start in dependency order; if one cannot start (a port in use), the ones
 * already running are stopped before the error is reported.
 */
export async function startStack(config: Config): Promise<Service[]> {
  const started: Service[] = [];
  const start = async (service: Promise<Service>) => {
    started.push(await service);
  };
  try {
    for (const [i, b] of config.backends.entries()) {
      await start(startBackend({ host: b.host, port: b.port, name: `backend${i + 1}`, dataDir: config.kv.dataDir }));
    }
    await start(startGateway(config));
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw err;
  }
  return started;
}
