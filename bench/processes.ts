/**
 * Child processes of the bench, each in its own process so that the load
 * generator, the proxy under test and the backends never share an event loop
 * and the proxy's CPU time can be read on its own. Every child is kept in one
 * registry so that a failure or Ctrl-C still stops them all.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const HOST = '127.0.0.1';

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** stdout and stderr so far, for error messages. */
  output(): string;
  /** Resolves with an error describing the exit, once the process has exited. */
  exited: Promise<Error>;
  /** Resolves when the output matches; rejects if the process exits first or after timeoutMs. */
  waitFor(ready: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Signals, waits for the exit, escalates to SIGKILL after graceMs. */
  stop(): Promise<void>;
}

const running = new Set<Child>();
let closed = false;

/** After this, spawnChild refuses: a run being torn down (Ctrl-C) must not start anything more. */
export function refuseNewChildren(): void {
  closed = true;
}

/** Stops every child still running, newest first. */
export async function stopAll(): Promise<void> {
  const children = [...running].reverse();
  await Promise.all(children.map((c) => c.stop()));
}

const exited = (p: ChildProcess) => p.exitCode !== null || p.signalCode !== null;

/** The environment without PIBL_* settings, so that a user's shell cannot reconfigure the contenders. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PIBL_')));
}

export interface SpawnChildOptions extends SpawnOptions {
  stopSignal?: NodeJS.Signals;
  /** How long stop() waits before SIGKILL. */
  graceMs?: number;
  /** More processes to SIGKILL with it (nginx's workers). */
  extraPids?: () => number[];
}

/** Spawns a command, registered for cleanup at once. */
export function spawnChild(name: string, command: string, args: string[], options: SpawnChildOptions = {}): Child {
  if (closed) throw new Error(`${name}: not started, the bench is stopping`);
  const proc = spawn(command, args, { env: cleanEnv(), ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exit = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => resolve(`exited (${code ?? signal})`));
    proc.once('error', (err) => resolve(`failed to start: ${err.message}`));
  });
  const child: Child = {
    name,
    pid: proc.pid ?? -1,
    process: proc,
    output: () => out,
    exited: exit.then((why) => new Error(`${name} ${why}; output:\n${out}`)),
    async waitFor(ready, timeoutMs = 15_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<Error>((resolve) => {
        timer = setTimeout(() => resolve(new Error(`${name} not ready in ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
      });
      let check = () => {};
      const match = new Promise<RegExpExecArray>((resolve) => {
        check = () => {
          const m = ready.exec(out);
          if (m) resolve(m);
        };
        proc.stdout!.on('data', check);
        proc.stderr!.on('data', check);
        check();
      });
      const first = await Promise.race([match, child.exited, timeout]);
      clearTimeout(timer);
      proc.stdout!.off('data', check);
      proc.stderr!.off('data', check);
      if (first instanceof Error) throw first;
      return first;
    },
    async stop() {
      if (!exited(proc) && proc.pid !== undefined) {
        proc.kill(options.stopSignal ?? 'SIGTERM');
        const timer = setTimeout(() => {
          for (const pid of options.extraPids?.() ?? []) killQuietly(pid);
          proc.kill('SIGKILL');
        }, options.graceMs ?? 5_000);
        await exit;
        clearTimeout(timer);
      }
      running.delete(child);
    },
  };
  running.add(child);
  return child;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Starts `node dist/cli.js <args>` and waits for its "listening on HOST:PORT" line. */
export async function startPibl(name: string, args: string[], cwd: string, nodeArgs: string[] = []): Promise<{ child: Child; port: number }> {
  if (!existsSync(CLI)) throw new Error(`bench: ${CLI} not found: run npm run build first`);
  const child = spawnChild(name, process.execPath, [...nodeArgs, CLI, ...args], { cwd });
  const match = await child.waitFor(/listening on \S*:(\d+)\s/);
  return { child, port: Number(match[1]) };
}

/** Resolves once something accepts connections on the port (loopback). */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, HOST);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`bench: nothing listening on ${HOST}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A port that was free a moment ago (for servers that cannot report the port they bound, like nginx). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, HOST, resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
