import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { rawConnection } from '../helpers/raw.js';
import { httpServer } from '../helpers/servers.js';

/**
 * The fast lane against node:http on one connection: pipelined mixes of
 * requests the lane answers (plain GET and HEAD) and requests it hands to
 * node (a body, a repeated field), cut into random pieces, sometimes with
 * the client half-closing after the last one. The oracle: every request up
 * to the first one that ends the connection is answered, in order, with its
 * own echo, and the backend sees exactly those requests.
 */
interface Sent {
  bytes: string;
  /** The echo its answer must carry; null for HEAD (no body). */
  echo: string | null;
  /** It ends the connection (Connection: close). */
  last: boolean;
}

const sent = (i: number) =>
  fc.tuple(fc.constantFrom('lane-get', 'lane-head', 'post', 'repeated', 'obs-text', 'close'), fc.integer({ min: 0, max: 30 })).map(([kind, size]): Sent => {
    const path = `/r${i}`;
    switch (kind) {
      case 'lane-get':
        return { bytes: `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, echo: `GET ${path} `, last: false };
      case 'lane-head':
        return { bytes: `HEAD ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, echo: null, last: false };
      case 'post': {
        const body = 'b'.repeat(size + 1);
        return { bytes: `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`, echo: `POST ${path} ${body}`, last: false };
      }
      case 'repeated':
        return { bytes: `GET ${path} HTTP/1.1\r\nHost: x\r\nAccept: a\r\nAccept: b\r\n\r\n`, echo: `GET ${path} `, last: false };
      case 'obs-text':
        return { bytes: `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Name: caf\xe9\r\n\r\n`, echo: `GET ${path} `, last: false };
      default:
        return { bytes: `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, echo: `GET ${path} `, last: true };
    }
  });

const exchange = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => sent(i))), fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 8 }), fc.boolean()));

/** Reads answers in order: Content-Length bodies (the backend always sends one), none for HEAD. */
function answersOf(text: string, count: number, heads: boolean[]): string[] {
  const bodies: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end === -1) break;
    const length = heads[i] ? 0 : Number(/\r\ncontent-length: (\d+)/i.exec(text.slice(at, end))?.[1] ?? 0);
    bodies.push(heads[i] ? '' : text.slice(end + 4, end + 4 + length));
    at = end + 4 + length;
  }
  return bodies;
}

test('the fast lane and node:http share a connection without losing, reordering or adding a request', async (t) => {
  const seen: string[] = [];
  const backend = await httpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echo = `${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`;
      if (req.headers['user-agent'] !== 'pibl-health-check') seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-length': Buffer.byteLength(echo) });
      res.end(req.method === 'HEAD' ? undefined : echo);
    });
  });
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(exchange, async ([requests, cuts, halfClose]) => {
      runs++;
      seen.length = 0;
      const lastAt = requests.findIndex((r) => r.last);
      const answered = lastAt === -1 ? requests : requests.slice(0, lastAt + 1);
      // Nothing is sent behind a Connection: close: bytes the server never reads make its close a reset,
      // which can destroy answers still in flight to the client (node does no lingering close).
      const bytes = Buffer.from(answered.map((r) => r.bytes).join(''), 'latin1');
      const { socket, text } = rawConnection(gw.port, { allowHalfOpen: halfClose, waitMs: 3_000 });
      let at = 0;
      for (let i = 0; at < bytes.length; i++) {
        const size = cuts[i % cuts.length]!;
        if (!socket.writable) break;
        socket.write(bytes.subarray(at, at + size));
        at += size;
        if (i % 2 === 1) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      if (halfClose && socket.writable) socket.end();
      else if (lastAt === -1) setTimeout(() => socket.end(), 300);
      const bodies = answersOf(await text, answered.length, answered.map((r) => r.echo === null));
      assert.deepEqual(
        bodies,
        answered.map((r) => r.echo ?? ''),
        JSON.stringify(answered.map((r) => r.bytes).join('')),
      );
      // node:http forwards pipelined requests as it parses them, so the backend may see them in another order.
      assert.deepEqual(
        [...seen].sort(),
        answered.map((r) => r.bytes.slice(0, r.bytes.indexOf(' HTTP/'))).sort(),
        'the backend saw exactly the requests answered',
      );
    }),
    { numRuns: 60, seed: 7, endOnFailure: true },
  );
  t.diagnostic(`fast lane pipelining: ${runs} connections`);
});
