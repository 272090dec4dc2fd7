import type { IncomingHttpHeaders } from 'node:http';
import { MAX_HEADER_FIELDS } from '../headers.js';
import { TOKEN_CHAR, VALUE_CHAR } from '../http-syntax.js';

/** A request head the fast lane serves: GET or HEAD, no body, nothing that asks for node's judgement. */
export interface SimpleHead {
  method: 'GET' | 'HEAD';
  /** Origin-form target (starts with `/`). */
  url: string;
  /** 1.0 or 1.1. */
  minor: 0 | 1;
  /** Lower-case names; each field once (a repeated field is left to node's rules). */
  headers: IncomingHttpHeaders;
  /** Names as sent, then values, as node's rawHeaders. */
  rawHeaders: string[];
  /** The client wants the connection kept after the answer. */
  keepAlive: boolean;
  /** Bytes of `buffer` the head took, its blank line included. */
  size: number;
}

/** `incomplete`: no blank line yet; `other`: a head the fast lane leaves to node:http. */
export type HeadVerdict = SimpleHead | 'incomplete' | 'other';

const BLANK_LINE = Buffer.from('\r\n\r\n');

/**
 * Fields that send a request to node:http: a body (Content-Length,
 * Transfer-Encoding: with them comes request smuggling's ground, which
 * llhttp has been hardened for), Expect (node's 100-continue handling),
 * Upgrade (the WebSocket path), Proxy-Connection (llhttp reads it as
 * Connection), TE (node may then chunk an answer to HTTP/1.0) and
 * Set-Cookie (node makes it an array): each rare in a request, and each
 * read by node in a way of its own.
 */
const LEFT_TO_NODE = new Set(['content-length', 'transfer-encoding', 'expect', 'upgrade', 'proxy-connection', 'te', 'set-cookie']);
/**
 * A Connection value the lane reads itself: tokens separated by commas and
 * spaces, nothing after the last. llhttp matches `close` and `keep-alive`
 * with its own rules on tabs and trailing whitespace, so any other shape
 * goes to node rather than risk reading it differently.
 */
const CONNECTION_LIST = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?: *, *[!#$%&'*+\-.^_`|~0-9A-Za-z]+)*$/;

/**
 * Reads one request head at the start of `buffer`, strictly: every line
 * ends in CRLF, the request line is exactly `GET|HEAD SP /target SP
 * HTTP/1.x`, every field line is `token: value` with no control character
 * and no line folding, and no field repeats. This is a subset of what
 * RFC 9112 allows and of what node's llhttp accepts, so a head read here
 * would be read the same way by node; anything outside it is `other` and
 * goes to node:http whole, so nothing is ever refused or read differently
 * because of this lane.
 */
export function parseSimpleHead(buffer: Buffer, maxBytes: number): HeadVerdict {
  const end = buffer.indexOf(BLANK_LINE);
  if (end === -1) return buffer.length >= maxBytes ? 'other' : 'incomplete';
  if (end + 4 > maxBytes) return 'other';
  // Latin-1, as node reads heads: one byte per character, so offsets match.
  const text = buffer.toString('latin1', 0, end + 2);
  const request = requestLine(text);
  if (request === null) return 'other';
  // A plain object, as node's: a field named like one of Object's own properties (constructor,
  // __proto__) reads as already present below, so it goes to node. A null-prototype object
  // would take those, at the price of a dictionary-mode object on every request (about 1 µs).
  const headers: IncomingHttpHeaders = {};
  const rawHeaders: string[] = [];
  let at = request.next;
  while (at < end + 2) {
    // More fields than the proxy path takes: node reads them, and the proxy path answers 431.
    if (rawHeaders.length === MAX_HEADER_FIELDS * 2) return 'other';
    // name: one or more tchar, then the colon with nothing in between (RFC 9112 §5.1)
    let i = at;
    while (TOKEN_CHAR[text.charCodeAt(i)] === 1) i++;
    if (i === at || text.charCodeAt(i) !== 0x3a) return 'other';
    const rawName = text.slice(at, i);
    i++;
    while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
    const valueStart = i;
    while (VALUE_CHAR[text.charCodeAt(i)] === 1) i++;
    // A value ends only at CRLF: a bare CR or LF, or any other control character, is left to node.
    if (text.charCodeAt(i) !== 0x0d || text.charCodeAt(i + 1) !== 0x0a) return 'other';
    let valueEnd = i;
    while (valueEnd > valueStart && (text.charCodeAt(valueEnd - 1) === 0x20 || text.charCodeAt(valueEnd - 1) === 0x09)) valueEnd--;
    const value = text.slice(valueStart, valueEnd);
    const name = rawName.toLowerCase();
    if (headers[name] !== undefined || LEFT_TO_NODE.has(name)) return 'other';
    if (name === 'connection' && (valueEnd !== i || !CONNECTION_LIST.test(value))) return 'other';
    headers[name] = value;
    rawHeaders.push(rawName, value);
    at = i + 2;
  }
  const { method, url, minor } = request;
  // RFC 9112 §3.2: HTTP/1.1 needs Host; the proxy path refuses its absence in the gateway's JSON shape.
  if (minor === 1 && headers.host === undefined) return 'other';
  const connection = headers.connection?.toLowerCase();
  const keepAlive = minor === 1 ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive');
  return { method, url, minor, headers, rawHeaders, keepAlive, size: end + 4 };
}

/** `GET|HEAD SP /target SP HTTP/1.x CRLF`, the target printable ASCII without spaces. */
function requestLine(text: string): { method: 'GET' | 'HEAD'; url: string; minor: 0 | 1; next: number } | null {
  const method = text.startsWith('GET /') ? 'GET' : text.startsWith('HEAD /') ? 'HEAD' : null;
  if (method === null) return null;
  const start = method.length + 1;
  let i = start;
  for (let c = text.charCodeAt(i); c > 0x20 && c < 0x7f; c = text.charCodeAt(++i));
  if (!text.startsWith(' HTTP/1.', i) || text.charCodeAt(i + 9) !== 0x0d || text.charCodeAt(i + 10) !== 0x0a) return null;
  const digit = text.charCodeAt(i + 8);
  if (digit !== 0x30 && digit !== 0x31) return null;
  return { method, url: text.slice(start, i), minor: digit === 0x31 ? 1 : 0, next: i + 11 };
}

function hasToken(list: string | undefined, token: string): boolean {
  if (list === undefined) return false;
  if (list === token) return true;
  // Only spaces separate the tokens here (CONNECTION_LIST), so trimming spaces is exact.
  return list.split(',').some((item) => item.replace(/^ +| +$/g, '') === token);
}
