import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listen } from '../common/listen.js';
import type { Service } from '../common/service.js';
import { formPage } from './form-page.js';

/**
 * The demo backend: the seed's replicated web app (a form page), the
 * origin's JSON over HTTP, a health route, and a fixed 1 KiB body for the
 * benchmarks. Every answer names the backend in `X-Backend` so that
 * balancing is visible from curl.
 */
export interface BackendOptions {
  host: string;
  port: number;
  name: string;
  dataDir: string;
}

export interface BackendService extends Service {
  /** Requests answered so far, for tests and the bench. */
  readonly requests: number;
}

const NAME_PART = /^[A-Za-z0-9_-]+$/;
const FIXED_1K = Buffer.alloc(1024, 'x');

export async function startBackend(options: BackendOptions): Promise<BackendService> {
  let requests = 0;
  const page = formPage(options.name);
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    requests++;
    res.setHeader('x-backend', options.name);
    route(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ error: 'internal error' }));
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://backend');
    const path = url.pathname;
    if (path === '/health') return send(res, 200, 'application/json', JSON.stringify({ status: 'ok', backend: options.name }));
    if (path === '/fixed/1k') return send(res, 200, 'text/plain', FIXED_1K);
    if (path === '/' || path === '/index.html') {
      if (req.method === 'POST') return echoForm(req, res);
      return send(res, 200, 'text/html; charset=utf-8', page);
    }
    if (path === '/echo') return echo(req, res);
    const article = /^\/([^/]+)\/([^/]+)$/.exec(path);
    if (article && (req.method === 'GET' || req.method === 'HEAD') && NAME_PART.test(article[1]!) && NAME_PART.test(article[2]!)) {
      try {
        const text = await readFile(join(options.dataDir, `${article[1]}${article[2]}.json`), 'utf8');
        return send(res, 200, 'application/json', text);
      } catch {
        return send(res, 404, 'application/json', JSON.stringify({ status: 'NOT_FOUND', data: null }));
      }
    }
    send(res, 404, 'application/json', JSON.stringify({ error: 'not found', path }));
  }

  const port = await listen(server, options.host, options.port, `backend ${options.name}`);
  return {
    name: `backend ${options.name}`,
    host: options.host,
    port,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Streams the request body back with its length and a digest-free summary in headers. */
function echo(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': req.headers['content-type'] ?? 'application/octet-stream',
    'x-echo-method': req.method ?? '',
    'x-echo-headers': Buffer.from(JSON.stringify(req.headers)).toString('base64'),
  });
  req.pipe(res);
}

function echoForm(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= 64 * 1024) chunks.push(c);
  });
  req.on('end', () => {
    const fields = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    send(res, 200, 'application/json', JSON.stringify({ received: fields }));
  });
}
