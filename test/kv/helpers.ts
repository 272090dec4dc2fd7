import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { LineClient } from '../../src/common/line-client.js';
import type { Service } from '../../src/common/service.js';
import { startBalancer, type BalancerOptions } from '../../src/kv/balancer.js';
import { startNode, type NodeOptions } from '../../src/kv/node.js';
import { startOrigin } from '../../src/kv/origin.js';

/** Shared by the kv tests: real servers on 127.0.0.1, ephemeral ports, everything closed at the end. */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CLI = join(ROOT, 'dist', 'cli.js');
export const SHIPPED_DATA = join(ROOT, 'origin', 'data');
export const HOST = '127.0.0.1';

/** A scratch folder: `<dir>/data` holds the four articles, `<dir>/secret.json` sits next to it. */
export function makeDataDir(): { dir: string; data: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pibl-kv-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  cpSync(SHIPPED_DATA, data, { recursive: true });
  writeFileSync(join(dir, 'secret.json'), JSON.stringify({ secret: 'must never be served' }));
  writeFileSync(join(dir, 'datasecret.json'), JSON.stringify({ secret: 'must never be served either' }));
  return { dir, data, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface OriginWithNode {
  scratch: ReturnType<typeof makeDataDir>;
  /** Reassignable: a test may stop the origin and start another on its port. */
  origin: Service;
  node: Service;
  /** Stops the node and the current origin, removes the scratch folder. */
  close(): Promise<void>;
}

/** An origin over a scratch copy of the articles and one node in front of it. */
export async function originWithNode(cache: Pick<NodeOptions, 'cacheType' | 'ttlSeconds' | 'lruCapacity'>): Promise<OriginWithNode> {
  const scratch = makeDataDir();
  const origin = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data });
  const node = await startNode({ host: HOST, port: 0, originHost: HOST, originPort: origin.port, ...cache });
  const kv: OriginWithNode = {
    scratch,
    origin,
    node,
    async close() {
      await kv.node.close();
      await kv.origin.close();
      scratch.cleanup();
    },
  };
  return kv;
}

/** One request on its own connection; the parsed answer. */
export async function ask(port: number, line: string, timeoutMs = 5_000): Promise<Record<string, any>> {
  const client = new LineClient({ host: HOST, port, timeoutMs, keepAlive: false });
  try {
    return JSON.parse(await client.request(line)) as Record<string, any>;
  } finally {
    client.close();
  }
}

/**
 * Writes raw bytes (optionally half-closing), and collects everything the
 * server sends until it closes the connection or `timeoutMs` passes.
 */
export function rawExchange(
  port: number,
  bytes: string | Buffer,
  { end = true, timeoutMs = 5_000 }: { end?: boolean; timeoutMs?: number } = {},
): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: HOST, port });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolvePromise({ text: Buffer.concat(chunks).toString('utf8'), closedByServer });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('connect', () => {
      if (bytes.length) socket.write(bytes);
      if (end) socket.end();
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
  });
}

export const answerLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.length)
    .map((l) => JSON.parse(l) as Record<string, any>);

/** Polls `check` until it returns a truthy value; bounded in time. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  { timeoutMs = 5_000, everyMs = 25 } = {},
): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, undefined | null | false | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

export interface Cluster {
  origin: Service;
  nodes: Service[];
  lb: Service;
  close(): Promise<void>;
}

/** origin + n nodes + lb, in process. */
export async function startCluster(
  dataDir: string,
  {
    nodes = 3,
    node = {},
    lb = {},
  }: { nodes?: number; node?: Partial<NodeOptions>; lb?: Partial<BalancerOptions> } = {},
): Promise<Cluster> {
  const services: Service[] = [];
  try {
    const origin = await startOrigin({ host: HOST, port: 0, dataDir });
    services.push(origin);
    const started: Service[] = [];
    for (let i = 0; i < nodes; i++) {
      const n = await startNode({
        host: HOST,
        port: 0,
        originHost: HOST,
        originPort: origin.port,
        cacheType: 'ttl',
        ttlSeconds: 30,
        lruCapacity: 100,
        ...node,
      });
      services.push(n);
      started.push(n);
    }
    const balancer = await startBalancer({
      host: HOST,
      port: 0,
      proxies: started.map((n) => ({ host: HOST, port: n.port })),
      strategy: 'round_robin',
      pollIntervalMs: 2_000,
      ...lb,
    });
    services.push(balancer);
    return {
      origin,
      nodes: started,
      lb: balancer,
      close: async () => {
        await Promise.all(services.reverse().map((s) => s.close()));
      },
    };
  } catch (err) {
    await Promise.all(services.map((s) => s.close()));
    throw err;
  }
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...args` to its end (killed after `timeoutMs`). */
export function runCli(args: string[], timeoutMs = 10_000): Promise<CliRun> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export interface CliServer {
  child: ChildProcess;
  port: number;
  /** Resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a long-running `pibl` server and waits for its "listening on H:P" line. */
export function startCliServer(args: string[], timeoutMs = 10_000): Promise<CliServer> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    };
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`pibl ${args.join(' ')} did not listen within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on [^\s]*:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, port: Number(m[1]), stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pibl ${args.join(' ')} exited (${code}) before listening: ${err}`));
    });
  });
}
