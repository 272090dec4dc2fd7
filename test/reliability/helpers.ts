/**
 * Shared by the reliability suites: bounded load, raw sockets that record
 * how the server ended them, handle counting, and /-/status and /metrics
 * readers. Everything here talks to 127.0.0.1 only.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';

export const HOST = '127.0.0.1';

export interface LoadResult {
  sent: number;
  completed: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p99Ms: number;
}

/** autocannon's programmatic API, bounded: `connections` clients for `durationS` seconds. */
export async function load(url: string, { connections = 10, durationS = 3, path }: { connections?: number; durationS?: number; path?: string } = {}): Promise<LoadResult> {
  const result = await autocannon({ url: path ? url + path : url, connections, duration: durationS, timeout: 5 });
  return {
    sent: result.requests.sent,
    completed: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p99Ms: result.latency.p99,
  };
}

/** The open TCP handles of this process (sockets and listeners). */
export function tcpHandles(): { sockets: number; servers: number } {
  const info = process.getActiveResourcesInfo();
  return { sockets: info.filter((x) => x === 'TCPSocketWrap').length, servers: info.filter((x) => x === 'TCPServerWrap').length };
}

/** Polls `check` until it holds; bounded in time; returns whether it held. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, everyMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/**
 * A GET on its own connection (a fresh undici Agent, closed after), so the
 * test's own client leaves no keep-alive socket behind. `body` is null when
 * the connection was cut mid-body; `error` says how.
 */
export async function getOnce(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer | null; error: string | null }> {
  const agent = new Agent({ connections: 1, pipelining: 0 });
  try {
    const res = await request(url, { dispatcher: agent, headers, headersTimeout: 20_000, bodyTimeout: 20_000 });
    try {
      const body = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: res.headers, body, error: null };
    } catch (err) {
      return { status: res.statusCode, headers: res.headers, body: null, error: (err as { code?: string }).code ?? (err as Error).message };
    }
  } catch (err) {
    return { status: 0, headers: {}, body: null, error: (err as { code?: string }).code ?? (err as Error).message };
  } finally {
    await agent.destroy();
  }
}

export async function jsonOf(url: string): Promise<any> {
  const res = await getOnce(url);
  return JSON.parse(res.body?.toString('utf8') ?? 'null');
}

/** The value of one sample of a Prometheus exposition, or undefined. */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const text = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => text.includes(`${k}="${v}"`))) return Number(match[3]);
  }
  return undefined;
}

export interface RawReply {
  /** Everything received, latin1. */
  text: string;
  /** How the connection ended: the server closed it, it reset, or our timer cut it. */
  ended: 'closed' | 'reset' | 'timeout';
}

/** Writes raw bytes to a port and collects the answer until the peer closes (bounded). */
export function rawSend(port: number, data: string | Buffer, { waitMs = 3_000, half = false }: { waitMs?: number; half?: boolean } = {}): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    let text = '';
    let ended: RawReply['ended'] = 'closed';
    const timer = setTimeout(() => {
      ended = 'timeout';
      socket.destroy();
    }, waitMs);
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (text += c));
    socket.on('error', () => (ended = 'reset'));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, ended });
    });
    socket.on('connect', () => {
      socket.write(data);
      if (half) socket.end();
    });
  });
}

/**
 * A raw TCP "backend" that reads a request head and then does what `act`
 * says with the socket: the faults node:http would not let a test make.
 */
export async function rawBackend(act: (socket: Socket, head: string) => void): Promise<{ port: number; server: Server; sockets: Set<Socket>; heads: string[]; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const heads: string[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      const head = buffered.slice(0, end);
      // The gateway's own health probes are answered plainly.
      if (/user-agent: pibl-health-check/i.test(head)) {
        socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
        return;
      }
      heads.push(head);
      act(socket, head);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    sockets,
    heads,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The p-th percentile (0-100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const median = (values: number[]) => percentile(values, 50);
