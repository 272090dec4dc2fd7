import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Sent when timeoutMs passes (default SIGKILL; SIGINT lets a bench stop its own children). */
  timeoutSignal?: NodeJS.Signals;
}

/** Runs `node ...argv` to completion (bounded by timeoutMs), collecting its output. */
export async function runNode(argv: string[], options: RunOptions = {}): Promise<Run> {
  const child = spawn(process.execPath, argv, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const timer = setTimeout(() => child.kill(options.timeoutSignal ?? 'SIGKILL'), options.timeoutMs ?? 15_000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

/** Runs `node dist/cli.js ...args` to completion (bounded by timeoutMs). */
export const runPibl = (args: string[], options: RunOptions = {}): Promise<Run> => runNode([CLI, ...args], options);

/** Runs a TypeScript script of the repository (bench/) through tsx. */
export const runScript = (file: string, args: string[], options: RunOptions = {}): Promise<Run> => runNode(['--import', 'tsx', file, ...args], options);

export interface Daemon {
  child: ChildProcess;
  output(): string;
  /** Sends a signal and waits for the exit (SIGKILL after timeoutMs). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a long-running pibl command and resolves once its output matches
 * `ready` (rejects if it exits first or takes longer than timeoutMs).
 */
export async function startPibl(
  args: string[],
  ready: RegExp,
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Daemon> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const daemon: Daemon = {
    child,
    output: () => out,
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const [code, sig] = await exited;
      clearTimeout(timer);
      return { code, signal: sig };
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pibl ${args.join(' ')} not ready in time; output:\n${out}`));
    }, options.timeoutMs ?? 15_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`pibl ${args.join(' ')} exited (${code}) before ready; output:\n${out}`));
    });
  });
  return daemon;
}
