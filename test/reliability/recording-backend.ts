/**
 * A backend that records every request it gets (not the gateway's health
 * probes) and answers with what it saw, so a test can tell what reached it.
 */
import type { IncomingMessage } from 'node:http';
import { httpServer, type TestServer } from '../helpers/servers.js';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: string;
}

export async function recordingBackend(headers: Record<string, string> = {}): Promise<TestServer & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = await httpServer((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (c: string) => (body += c));
    req.on('error', () => {});
    req.on('end', () => {
      if (req.headers['user-agent'] !== 'pibl-health-check') seen.push({ method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders, body });
      const answer = `${req.method} ${req.url} host=${req.headers.host}`;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(answer), ...headers });
      res.end(answer);
    });
  });
  return Object.assign(server, { seen });
}
