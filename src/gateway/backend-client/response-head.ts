import type { IncomingHttpHeaders } from 'node:http';
import { finalCodingIsChunked } from '../headers.js';
import { TOKEN_CHAR, VALUE_CHAR } from '../http-syntax.js';
import { parserError } from './errors.js';

/** How the body after a response head ends (RFC 9112 §6.3). */
export type Framing =
  /** No body: HEAD, 1xx, 204, 304, or Content-Length: 0. */
  | { kind: 'none' }
  | { kind: 'length'; bytes: number }
  | { kind: 'chunked' }
  /** Everything until the backend closes the connection. */
  | { kind: 'close' };

export interface ResponseHead {
  status: number;
  reason: string;
  /** Lower-case names; a repeated field is an array of its values, in order (as undici gives them). */
  headers: IncomingHttpHeaders;
  framing: Framing;
  /** The connection may carry another exchange after this one. */
  keepAlive: boolean;
  /** The backend's Keep-Alive timeout hint in milliseconds, or -1. */
  keepAliveHintMs: number;
  /** Bytes the head took, its blank line included. */
  size: number;
}

const BLANK_LINE = Buffer.from('\r\n\r\n');
const DIGITS = /^[0-9]+$/;
const KEEP_ALIVE_TIMEOUT = /(?:^|[,;\s])timeout\s*=\s*(\d+)/i;

/**
 * Reads one response head at `start` of `buffer`, strictly (RFC 9112 §4,
 * §5, §6.3): CRLF line ends, `HTTP/1.0` or `HTTP/1.1`, a three-digit
 * status, `token: value` fields with no control character, no whitespace
 * before the colon and no line folding, one Content-Length at most and
 * never beside Transfer-Encoding. Whatever falls outside is an error the
 * proxy answers with a 502, as RFC 9112 §5.2 and §6.3 ask of a proxy (and
 * as llhttp, undici's parser, refuses the same heads). Returns `null`
 * while the blank line has not arrived.
 */
export function parseResponseHead(buffer: Buffer, start: number, maxBytes: number, requestMethod: string): ResponseHead | null {
  const end = buffer.indexOf(BLANK_LINE, start);
  if (end === -1) {
    if (buffer.length - start > maxBytes) throw parserError('HPE_HEADER_OVERFLOW', `response head larger than ${maxBytes} bytes`);
    return null;
  }
  if (end + 4 - start > maxBytes) throw parserError('HPE_HEADER_OVERFLOW', `response head larger than ${maxBytes} bytes`);
  // Latin-1: one character per byte, so every byte of a value reaches the client as it came.
  const text = buffer.toString('latin1', start, end + 2);
  if (!text.startsWith('HTTP/1.') || (text.charCodeAt(7) !== 0x30 && text.charCodeAt(7) !== 0x31) || text.charCodeAt(8) !== 0x20) {
    throw parserError('HPE_INVALID_CONSTANT', 'response does not start with HTTP/1.0 or HTTP/1.1');
  }
  const minor = text.charCodeAt(7) - 0x30;
  const status = threeDigits(text);
  let at = 12;
  // `HTTP/1.1 200 OK`, `HTTP/1.1 200 ` and `HTTP/1.1 200` all occur; the reason phrase means nothing (RFC 9112 §4).
  if (text.charCodeAt(at) === 0x20) at++;
  const reasonStart = at;
  while (VALUE_CHAR[text.charCodeAt(at)] === 1) at++;
  if (text.charCodeAt(at) !== 0x0d || text.charCodeAt(at + 1) !== 0x0a) throw parserError('HPE_INVALID_STATUS', 'invalid status line');
  const reason = text.slice(reasonStart, at);
  at += 2;

  const headers: IncomingHttpHeaders = {};
  while (at < text.length) {
    let i = at;
    let upper = false;
    for (let c = text.charCodeAt(i); TOKEN_CHAR[c] === 1; c = text.charCodeAt(++i)) if (c <= 0x5a && c >= 0x41) upper = true;
    if (i === at || text.charCodeAt(i) !== 0x3a) throw parserError('HPE_INVALID_HEADER_TOKEN', `invalid header field name at byte ${at}`);
    const name = upper ? text.slice(at, i).toLowerCase() : text.slice(at, i);
    i++;
    while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
    const valueStart = i;
    while (VALUE_CHAR[text.charCodeAt(i)] === 1) i++;
    if (text.charCodeAt(i) !== 0x0d || text.charCodeAt(i + 1) !== 0x0a) throw parserError('HPE_INVALID_HEADER_TOKEN', `invalid character in header "${name}"`);
    let valueEnd = i;
    while (valueEnd > valueStart && (text.charCodeAt(valueEnd - 1) === 0x20 || text.charCodeAt(valueEnd - 1) === 0x09)) valueEnd--;
    addField(headers, name, text.slice(valueStart, valueEnd));
    at = i + 2;
  }

  const connection = headers.connection;
  const keepAlive =
    (minor === 1 ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive')) &&
    // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message is faulty framing; the connection closes after it.
    !(minor === 0 && headers['transfer-encoding'] !== undefined);
  const hint = headers['keep-alive'];
  const hintMatch = typeof hint === 'string' ? KEEP_ALIVE_TIMEOUT.exec(hint) : null;
  const framing = framingOf(status, headers, requestMethod);
  return {
    status,
    reason,
    headers,
    framing,
    // A body that runs to the close ends the connection with it.
    keepAlive: keepAlive && framing.kind !== 'close',
    keepAliveHintMs: hintMatch ? Number(hintMatch[1]) * 1000 : -1,
    size: end + 4 - start,
  };
}

function threeDigits(text: string): number {
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const c = text.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) throw parserError('HPE_INVALID_STATUS', 'invalid status code');
    status = status * 10 + c;
  }
  if (status < 100) throw parserError('HPE_INVALID_STATUS', 'invalid status code');
  const after = text.charCodeAt(12);
  if (after !== 0x20 && after !== 0x0d) throw parserError('HPE_INVALID_STATUS', 'invalid status code');
  return status;
}

/**
 * A field named like a property of Object's prototype (`constructor`,
 * `__proto__`) reads as neither a string nor a list: it is defined as an own
 * property, so that it neither reads as already present nor sets the prototype.
 */
function addField(headers: IncomingHttpHeaders, name: string, value: string): void {
  const prev: unknown = headers[name];
  if (prev === undefined) headers[name] = value;
  else if (typeof prev === 'string') headers[name] = [prev, value];
  else if (Array.isArray(prev) && Object.hasOwn(headers, name)) prev.push(value);
  else Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
}

/** A comma-separated list field's members, lower-cased and trimmed. */
function listed(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text.split(',').map((token) => token.trim().toLowerCase());
}

/** Whether a list field has `token` among its members (a single member, the usual case, is read without splitting). */
function hasToken(value: string | string[] | undefined, token: string): boolean {
  if (value === undefined) return false;
  if (typeof value === 'string' && !value.includes(',')) return value.trim().toLowerCase() === token;
  return listed(value).includes(token);
}

/**
 * RFC 9112 §6.3, in its order. The framing fields are checked even on an
 * answer that has no body (HEAD, 1xx, 204, 304), as llhttp does: the gateway
 * passes Content-Length on, and must not pass on two.
 */
function framingOf(status: number, headers: IncomingHttpHeaders, requestMethod: string): Framing {
  const codings = headers['transfer-encoding'];
  const length = headers['content-length'];
  // §6.3 item 3: both is a sign of smuggling; llhttp refuses it too.
  if (codings !== undefined && length !== undefined) throw parserError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Content-Length beside Transfer-Encoding');
  // §6.3 item 5: a proxy must not guess between differing or malformed lengths.
  if (length !== undefined && (Array.isArray(length) || !DIGITS.test(length) || length.length > 15)) {
    throw parserError('HPE_INVALID_CONTENT_LENGTH', `invalid Content-Length ${JSON.stringify(length)}`);
  }
  if (requestMethod === 'HEAD' || status < 200 || status === 204 || status === 304) return { kind: 'none' };
  if (codings !== undefined) return finalCodingIsChunked(codings) ? { kind: 'chunked' } : { kind: 'close' };
  if (length === undefined) return { kind: 'close' };
  const bytes = Number(length);
  return bytes === 0 ? { kind: 'none' } : { kind: 'length', bytes };
}
