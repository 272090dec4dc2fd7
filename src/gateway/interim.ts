import { STATUS_CODES, validateHeaderName, validateHeaderValue, type ServerResponse } from 'node:http';
import { LeanResponse } from './front/lean-response.js';
import { endToEndHeaders } from './headers.js';
import type { ProxyResponse } from './upstream-types.js';

type ConnectionSocket = NonNullable<ServerResponse['socket']> & { _httpMessage?: ServerResponse | null };

/**
 * Interim answers relayed per response at most: a backend that keeps sending
 * 103s must not make the gateway buffer them for a client that reads slowly.
 */
export const MAX_INTERIM_ANSWERS = 8;
const relayed = new WeakMap<ProxyResponse, number>();

/**
 * Relays a backend's interim (1xx) answer to the client ahead of the final
 * one, as RFC 9110 §15.2 asks of a proxy: 103 Early Hints lets a browser
 * start fetching before the page is ready, 102 tells it the server is
 * alive. Never to an HTTP/1.0 client (§15.2: it would not understand one),
 * never once the final head is out, and not 100 (node answers Expect
 * itself) or 101 (the upgrade path's). Interim answers are never cached.
 *
 * Written on the client's socket because node's ServerResponse has a
 * method for 102 and one for 103 whose Link check rejects valid values; a
 * request pipelined behind another one has no socket yet and gets only its
 * final answer. The fast lane serves one request at a time, so its answer
 * always owns the socket.
 */
export function relayInterim(res: ProxyResponse, status: number, headers: Record<string, string | string[] | undefined>): void {
  if (status < 102 || status > 199) return;
  const lean = res instanceof LeanResponse ? res : null;
  const node = lean ? null : (res as ServerResponse);
  const req = lean ? lean.req : node!.req;
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor < 1) return;
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const socket = node?.socket as ConnectionSocket | null | undefined;
  if (node && (!socket || socket.destroyed || socket._httpMessage !== node)) return;
  const count = relayed.get(res) ?? 0;
  if (count >= MAX_INTERIM_ANSWERS) return;
  relayed.set(res, count + 1);
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Interim'}\r\n`;
  for (const [name, value] of Object.entries(endToEndHeaders(headers))) {
    for (const one of Array.isArray(value) ? value : [value]) {
      try {
        validateHeaderName(name);
        validateHeaderValue(name, one);
      } catch {
        continue;
      }
      head += `${name}: ${one}\r\n`;
    }
  }
  if (lean) lean.writeInterim(`${head}\r\n`);
  // Latin-1, as node writes heads: a byte of obs-text in a value stays that byte.
  else socket!.write(`${head}\r\n`, 'latin1');
}
