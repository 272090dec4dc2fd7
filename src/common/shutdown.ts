import type { Service } from './service.js';

/**
 * SIGINT/SIGTERM stop the services gracefully and exit 0; a second signal,
 * or services that outlive `drainMs`, exit at once (1).
 */
export function stopOnSignals(services: () => Service[], drainMs: number, log: (line: string) => void = console.error): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`pibl: ${signal} again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`pibl: ${signal} received, stopping (up to ${Math.round(drainMs / 1000)} s for in-flight requests)`);
    const force = setTimeout(() => {
      log('pibl: drain timeout reached, exiting');
      process.exit(1);
    }, drainMs + 2_000);
    force.unref();
    Promise.allSettled(services().map((s) => s.close())).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
