import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import type { Dispatcher } from 'undici';
import { BackendClient, type BackendClientOptions, type BodilessRequest } from '../../../src/gateway/backend-client/backend-client.js';

export interface Answer {
  /** Interim (1xx) statuses, then the final one last. */
  statuses: number[];
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request through the client, as forward.ts makes it: resolves with the whole answer, rejects with the client's error. */
export function send(client: BackendClient, request: Partial<BodilessRequest> = {}, onController?: (c: Dispatcher.DispatchController) => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const answer: Answer = { statuses: [], headers: {}, body: '' };
    const chunks: Buffer[] = [];
    client.dispatch(
      { method: 'GET', path: '/', headers: { host: 'test' }, ...request },
      {
        onRequestStart: (controller) => onController?.(controller),
        onResponseStart: (_c, status, headers) => {
          answer.statuses.push(status);
          if (status >= 200) answer.headers = headers;
        },
        onResponseData: (_c, chunk) => void chunks.push(Buffer.from(chunk)),
        onResponseEnd: () => {
          answer.body = Buffer.concat(chunks).toString('latin1');
          resolve(answer);
        },
        onResponseError: (_c, err) => reject(err),
      },
    );
  });
}

export interface RawBackend {
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Every request head received, in order. */
  heads: string[];
  close(): Promise<void>;
}

/**
 * A TCP server on 127.0.0.1 that answers each request head with what
 * `answer` returns (written as is, possibly in pieces), to say exactly
 * what a backend puts on the wire.
 */
export async function rawBackend(answer: (head: string, socket: Socket, index: number) => void): Promise<RawBackend> {
  const sockets = new Set<Socket>();
  const backend: RawBackend = { port: 0, connections: 0, heads: [], close: async () => {} };
  const server: Server = createServer((socket) => {
    backend.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) !== -1) {
        const head = pending.slice(0, end + 4);
        pending = pending.slice(end + 4);
        backend.heads.push(head);
        answer(head, socket, backend.heads.length - 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.port = (server.address() as AddressInfo).port;
  backend.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return backend;
}

export function clientFor(port: number, options: Partial<BackendClientOptions> = {}): BackendClient {
  return new BackendClient({
    host: '127.0.0.1',
    port,
    connections: 16,
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 2_000,
    bodyTimeoutMs: 2_000,
    keepAliveTimeoutMs: 30_000,
    maxHeaderBytes: 16 * 1024,
    ...options,
  });
}

/** Writes `text` one byte per write, each after a turn of the event loop: every boundary a parser can meet. */
export async function writeByteByByte(socket: Socket, text: string): Promise<void> {
  for (const byte of Buffer.from(text, 'latin1')) {
    if (socket.destroyed) return;
    socket.write(Buffer.from([byte]));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

/** A raw backend and a client for it, both closed when the test ends. */
export async function backendAndClient(
  t: TestContext,
  answer: (head: string, socket: Socket, index: number) => void,
  options: Partial<BackendClientOptions> = {},
): Promise<{ backend: RawBackend; client: BackendClient }> {
  const backend = await rawBackend(answer);
  const client = clientFor(backend.port, options);
  t.after(async () => {
    await client.destroy();
    await backend.close();
  });
  return { backend, client };
}
