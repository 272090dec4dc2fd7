import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  server: Server;
  port: number;
  /** Requests seen, not counting the gateway's health probes. */
  hits: number;
  close(): Promise<void>;
  /** Stops at once, cutting every open connection, as a crash would. */
  kill(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 and an ephemeral (or given) port. */
export async function httpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
): Promise<TestServer> {
  const server = createServer();
  const result: TestServer = {
    server,
    port: 0,
    hits: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
    kill: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  server.on('request', (req, res) => {
    if (req.headers['user-agent'] !== 'pibl-health-check') result.hits++;
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  result.port = (server.address() as AddressInfo).port;
  return result;
}

/** A backend that answers its name on every path, like the demo backend's X-Backend. */
export function namedBackend(name: string, port = 0, delayMs = 0): Promise<TestServer> {
  return httpServer((req, res) => {
    const answer = () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': name });
      res.end(name);
    };
    req.resume();
    if (delayMs) setTimeout(answer, delayMs);
    else answer();
  }, port);
}

/** A free port: listen on 0, note the port, close. */
export async function freePort(): Promise<number> {
  const s = await httpServer(() => {});
  const port = s.port;
  await s.close();
  return port;
}
