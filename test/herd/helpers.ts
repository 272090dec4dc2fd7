/**
 * Shared by the herd tests: free loopback ports, a five-server topology
 * started in-process, raw TCP exchanges and bounded waiting.
 */
import { createServer, connect, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_HERD } from '../../src/config/schema.js';
import type { HerdConfig } from '../../src/config/types.js';
import { startHerdServer, type HerdServerOptions } from '../../src/herd/server.js';
import type { HerdService } from '../../src/herd/types.js';

export const HOST = '127.0.0.1';
export const NAMES = DEFAULT_HERD.map((s) => s.name);

/** Ports that were free a moment ago: all listened on together, so they differ. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, HOST, resolve);
      });
      servers.push(server);
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

export function tempDir(prefix = 'pibl-herd-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The Spring 2021 topology on the given ports. */
export function herdConfig(ports: number[], logDir: string, extra: Partial<HerdConfig> = {}): HerdConfig {
  return {
    host: HOST,
    places: 'offline',
    placesUrl: 'http://127.0.0.1:9/unused',
    placesApiKey: '',
    placesTimeoutMs: 2_000,
    logDir,
    servers: DEFAULT_HERD.map((s, i) => ({ name: s.name, port: ports[i]!, neighbors: [...s.neighbors] })),
    ...extra,
  };
}

export interface Herd {
  config: HerdConfig;
  servers: Map<string, HerdService>;
  get(name: string): HerdService;
  start(name: string, options?: Partial<HerdServerOptions>): Promise<HerdService>;
  stop(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the named servers (all five by default) in this process. */
export async function startHerd(options: { names?: string[]; extra?: Partial<HerdConfig>; server?: Partial<HerdServerOptions> } = {}): Promise<Herd> {
  const dir = tempDir();
  const config = herdConfig(await freePorts(NAMES.length), dir.path, options.extra);
  const servers = new Map<string, HerdService>();
  const herd: Herd = {
    config,
    servers,
    get(name) {
      const s = servers.get(name);
      if (!s) throw new Error(`${name} is not running`);
      return s;
    },
    async start(name, more = {}) {
      const s = await startHerdServer({ name, herd: config, peerTimeoutMs: 1_000, ...options.server, ...more });
      servers.set(name, s);
      return s;
    },
    async stop(name) {
      const s = servers.get(name);
      servers.delete(name);
      await s?.close();
    },
    async close() {
      await Promise.all([...servers.keys()].map((n) => herd.stop(n)));
      dir.remove();
    },
  };
  try {
    for (const name of options.names ?? NAMES) await herd.start(name);
  } catch (err) {
    await herd.close();
    throw err;
  }
  return herd;
}

/** Sends raw bytes, half-closes, and resolves with everything received until the server closes. */
export function exchange(port: number, data: string | Buffer, timeoutMs = 30_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, HOST);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end of answer from port ${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.end(data));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

export const ask = async (port: number, text: string) => (await exchange(port, text)).toString('utf8');

/** Polls `check` until it holds, at most `limit` tries `everyMs` apart; says whether it held. */
export async function eventually(check: () => boolean | Promise<boolean>, limit = 600, everyMs = 50): Promise<boolean> {
  for (let i = 0; i < limit; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}

/** A POSIX time text like the CS131 clients send, `offset` seconds from now. */
export const posixNow = (offset = 0) => (Date.now() / 1000 + offset).toFixed(9);

let counter = 0;
/** A client name unique within this process. */
export const uniqueClient = (tag = 'client') => `${tag}-${process.pid}-${++counter}.cs.ucla.edu`;
