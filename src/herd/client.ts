/**
 * A one-shot herd client, for the gateway's HTTP adapter, the bench and
 * tests: connect, send one line, half-close, read the answer until the server
 * closes (SPEC §4: it closes after EOF). Bounded by a timeout.
 */
import { connect } from 'node:net';
import { parseAt, formatWhatsat, splitWhatsatAnswer } from './messages.js';
import type { ClientReport } from './types.js';

export interface HerdTarget {
  host: string;
  port: number;
  /** Default 5 s; past it the call rejects with an error whose code is ETIMEDOUT. */
  timeoutMs?: number;
}

/** Sends `line` (UTF-8, no newline needed) and resolves with the whole answer text ('' for an AT). */
export function sendHerdLine(target: HerdTarget, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port, noDelay: true });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy(Object.assign(new Error(`herd ${target.host}:${target.port}: no answer in time`), { code: 'ETIMEDOUT' }));
    }, target.timeoutMs ?? 5_000);
    socket.on('connect', () => socket.end(line.endsWith('\n') ? line : line + '\n'));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** An AT answer line as fields, or undefined when the server answered `?`. */
export function parseAtAnswer(answer: string): ClientReport | undefined {
  const line = answer.split('\n', 1)[0] ?? '';
  // The answer was decoded as UTF-8; parseAt works on any string.
  const at = parseAt(line);
  if (!at) return undefined;
  return { at: line, server: at.server, diff: at.diff, client: at.client, location: at.location.text, time: at.time };
}

/**
 * The last report a server holds for `client`, over the protocol itself:
 * WHATSAT's first line is the stored AT line (costs one places look-up).
 * Undefined when the server does not know the client.
 */
export async function fetchClientReport(target: HerdTarget, client: string): Promise<ClientReport | undefined> {
  const answer = await sendHerdLine(target, formatWhatsat(client, 1, 1));
  const split = splitWhatsatAnswer(answer);
  return split && parseAtAnswer(split.at);
}

