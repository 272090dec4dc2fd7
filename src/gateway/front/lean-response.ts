import { STATUS_CODES, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { INVALID_VALUE, TOKEN } from '../http-syntax.js';
import type { LeanRequest } from './lean-request.js';

type ResponseEvent = 'close' | 'drain';


let dateSecond = -1;
let dateText = '';
/** The Date header's value, formatted once a second as node does. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

const EMPTY = Buffer.alloc(0);
/** Chunks up to this size are copied into the write with their head and framing; larger ones are not. */
const COPY_LIMIT = 64 * 1024;

function invalid(code: string, message: string): TypeError {
  return Object.assign(new TypeError(message), { code });
}

/**
 * The fast lane's answer: the part of node's ServerResponse the proxy and
 * the cache use, written straight onto the socket. It frames the body as
 * node would (Content-Length as given, else chunked for HTTP/1.1, else
 * close-delimited), adds Date and Connection/Keep-Alive as node does, and
 * refuses the header names and values node refuses, with node's codes.
 * Head and first body bytes leave in one write.
 */
export class LeanResponse {
  statusCode = 200;
  /** Cleared to close the connection after this answer (a refused request). */
  shouldKeepAlive: boolean;
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  private head: string | null = null;
  private hasBody: boolean;
  private chunked = false;
  private closed = false;
  private closeListeners: (() => void)[] = [];
  private drainListeners: (() => void)[] = [];

  constructor(
    readonly req: LeanRequest,
    readonly socket: Socket,
    keepAlive: boolean,
    private readonly keepAliveTimeoutS: number,
    /** Called once, when the answer is fully handed to the socket or can no longer be. */
    private readonly onSettled: (res: LeanResponse) => void,
  ) {
    this.shouldKeepAlive = keepAlive;
    this.hasBody = req.method !== 'HEAD';
  }

  writeHead(statusCode: number, headers: OutgoingHttpHeaders = {}): this {
    if (this.headersSent) throw invalid('ERR_HTTP_HEADERS_SENT', 'Cannot write headers after they are sent to the client');
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 999) throw invalid('ERR_HTTP_INVALID_STATUS_CODE', `Invalid status code: ${statusCode}`);
    let head = `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? 'unknown'}\r\n`;
    let length = false;
    let date = false;
    for (const name in headers) {
      const value = headers[name];
      if (!TOKEN.test(name)) throw invalid('ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${name}"]`);
      if (value === undefined) throw invalid('ERR_HTTP_INVALID_HEADER_VALUE', `Invalid value "undefined" for header "${name}"`);
      // The fields that matter here, in any case as node reads them; only names of their lengths are lowered.
      const lower = name.length === 14 || name.length === 4 || name.length === 10 || name.length === 17 ? name.toLowerCase() : name;
      if (lower === 'content-length') length = true;
      else if (lower === 'date') date = true;
      // The proxy strips hop-by-hop fields before any answer: the lane frames the answer and names the connection's fate itself.
      else if (lower === 'connection' || lower === 'transfer-encoding') throw invalid('ERR_HTTP_INVALID_HEADER_VALUE', `the fast lane sets ${lower} itself`);
      if (Array.isArray(value)) {
        for (const one of value) head += field(name, one);
      } else head += field(name, value);
    }
    if (statusCode === 204 || statusCode === 304 || statusCode < 200) this.hasBody = false;
    // RFC 9112 §6.3: without a length an HTTP/1.1 client gets chunks, an HTTP/1.0 one a body that ends with
    // the connection (node closes an HTTP/1.0 connection after any answer without a length, bodiless or not).
    if (!length) {
      if (this.req.httpVersionMinor === 0) this.shouldKeepAlive = false;
      else if (this.hasBody) this.chunked = true;
    }
    // The fields node adds, in node's order.
    if (!date) head += `Date: ${httpDate()}\r\n`;
    head += this.shouldKeepAlive ? `Connection: keep-alive\r\nKeep-Alive: timeout=${this.keepAliveTimeoutS}\r\n` : 'Connection: close\r\n';
    head += this.chunked ? 'Transfer-Encoding: chunked\r\n\r\n' : '\r\n';
    this.statusCode = statusCode;
    this.head = head;
    this.headersSent = true;
    return this;
  }

  write(chunk: Buffer | string): boolean {
    if (this.writableEnded || this.destroyed) return false;
    if (!this.headersSent) this.writeHead(this.statusCode);
    return this.send(chunk, false);
  }

  end(chunk?: Buffer | string): this {
    if (this.writableEnded || this.destroyed) return this;
    if (!this.headersSent) this.writeHead(this.statusCode);
    this.writableEnded = true;
    this.send(chunk ?? null, true);
    return this;
  }

  /**
   * Writes what is pending of the head, one body chunk in its framing and,
   * when `last`, the end of the body, in one socket write: each write is a
   * system call, and on a cache hit that call is most of the cost.
   */
  private send(chunk: Buffer | string | null, last: boolean): boolean {
    const head = this.head ?? '';
    this.head = null;
    const body: Buffer | string | null = this.hasBody && chunk !== null && chunk.length > 0 ? chunk : null;
    const bodyBytes = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const prefix = this.chunked && body !== null ? `${bodyBytes.toString(16)}\r\n` : '';
    const suffix = (this.chunked && body !== null ? '\r\n' : '') + (this.chunked && last ? '0\r\n\r\n' : '');
    const done = last ? this.afterLastWrite : undefined;
    const socket = this.socket;
    if (body !== null && bodyBytes > COPY_LIMIT) {
      // A large chunk is not copied: the pieces go out together as one writev.
      socket.cork();
      if (head.length + prefix.length > 0) socket.write(head + prefix, 'latin1');
      const ok = suffix.length > 0 ? (socket.write(body), socket.write(suffix, 'latin1', done)) : socket.write(body, done);
      socket.uncork();
      return ok;
    }
    const start = head.length + prefix.length;
    const total = start + bodyBytes + suffix.length;
    if (total === 0) {
      if (!done) return true;
      // Nothing left to write: finished once what is queued is flushed (at once when nothing is).
      if (socket.writableLength === 0) queueMicrotask(() => done(null));
      else socket.write(EMPTY, done);
      return true;
    }
    const out = Buffer.allocUnsafe(total);
    out.write(head + prefix, 0, 'latin1');
    if (typeof body === 'string') out.write(body, start);
    else if (body !== null) body.copy(out, start);
    if (suffix.length > 0) out.write(suffix, start + bodyBytes, 'latin1');
    return socket.write(out, done);
  }

  private readonly afterLastWrite = (err?: Error | null): void => {
    if (!err) this.writableFinished = true;
    this.settle();
  };

  /** An interim (1xx) head, ahead of the final one. */
  writeInterim(head: string): void {
    if (!this.headersSent && !this.writableEnded && !this.destroyed) this.socket.write(head, 'latin1');
  }

  destroy(_err?: Error): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.socket.destroy();
    this.settle();
  }

  /** The connection closed under this answer. */
  abort(): void {
    this.destroyed = true;
    this.settle();
  }

  /** The socket can take more after a write returned false. */
  drained(): void {
    const listeners = this.drainListeners;
    if (listeners.length === 0) return;
    this.drainListeners = [];
    for (const listener of listeners) listener();
  }

  once(event: ResponseEvent, listener: () => void): this {
    // As node's: a 'close' listener added after the close never runs (callers check `destroyed`).
    if (event === 'close') {
      if (!this.closed) this.closeListeners.push(listener);
    } else this.drainListeners.push(listener);
    return this;
  }

  off(event: ResponseEvent, listener: () => void): this {
    const listeners = event === 'close' ? this.closeListeners : this.drainListeners;
    const at = listeners.indexOf(listener);
    if (at !== -1) listeners.splice(at, 1);
    return this;
  }

  private settle(): void {
    if (this.closed) return;
    this.closed = true;
    this.drainListeners = [];
    const listeners = this.closeListeners;
    this.closeListeners = [];
    for (const listener of listeners) listener();
    this.onSettled(this);
  }
}

function field(name: string, value: string | number): string {
  const text = typeof value === 'string' ? value : String(value);
  if (INVALID_VALUE.test(text)) throw invalid('ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`);
  return `${name}: ${text}\r\n`;
}
