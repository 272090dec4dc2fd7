import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { refuseNewChildren, stopAll } from './processes.js';

/** `--name N` from a bench script's own arguments: a positive number, or the fallback. */
export function numberFlag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? undefined : Number(args[i + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** What the kv and herd load scripts take when run by themselves: `--connections N --duration S [--json]`. */
export function loadScriptOptions(args: string[], defaultDurationS: number): { connections: number; durationMs: number; json: boolean } {
  return {
    connections: Math.floor(numberFlag(args, 'connections', 32)),
    durationMs: Math.round(numberFlag(args, 'duration', defaultDurationS) * 1000),
    json: args.includes('--json'),
  };
}

/**
 * Runs `main` with the script's arguments when the module is the one node
 * was started with (not when a test imports it), and exits with its code;
 * an error becomes one line on stderr, `<name>: message`, and exit 1.
 */
export function runAsScript(moduleUrl: string, name: string, main: (argv: string[]) => Promise<number>): void {
  if (!process.argv[1] || resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${name}: ${(err as Error)?.message ?? String(err)}\n`);
      process.exit(1);
    },
  );
}

/**
 * Stops every child the script started, then exits, on Ctrl-C (130), on
 * SIGTERM (143) and when the run outlasts `budgetMs` (3): a bench never
 * leaves a server behind, whatever ends it.
 */
export function stopChildrenOnExit(name: string, budgetMs: number): void {
  const stop = (code: number, why: string) => {
    process.stderr.write(`${name}: ${why}; stopping every process it started\n`);
    refuseNewChildren();
    void stopAll().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => stop(130, 'interrupted'));
  process.once('SIGTERM', () => stop(143, 'terminated'));
  setTimeout(() => stop(3, `over its time budget of ${Math.round(budgetMs / 1000)} s`), budgetMs).unref();
}
