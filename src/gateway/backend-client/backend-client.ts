import type { Dispatcher } from 'undici';
import { BackendConnection, type ConnectionOwner, type ConnectionSettings } from './backend-connection.js';
import { clientError } from './errors.js';
import { Exchange, type ExchangeHost } from './exchange.js';
import { requestHead } from './request-head.js';

export interface BackendClientOptions extends ConnectionSettings {
  /** Connections open at once, at most; further requests wait for one (undici's Pool `connections`). */
  connections: number;
}

/** What the client sends: a request without a body (the gateway's GET and HEAD, and bodiless others). */
export interface BodilessRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Keep-alive HTTP/1.1 connections to one backend, for requests without a
 * body: the gateway's hot path (docs/performance.md, fifth round). It
 * speaks undici's `dispatch(options, handler)` with the same handler and
 * controller, so forward.ts uses it and undici's Pool alike; requests with
 * a body, the cache's own requests and health probes stay on undici.
 *
 * What it does not take from undici, it does more simply: no pipelining,
 * and timeouts checked by one sweep every few tens of milliseconds rather
 * than a timer per request. A freed connection is reused at once, as
 * nginx's upstream keepalive does, and guarded as nginx guards it: bytes
 * after an answer, or on an idle connection, close it (backend-connection.ts).
 */
export class BackendClient implements ConnectionOwner, ExchangeHost {
  private readonly connections = new Set<BackendConnection>();
  private idle: BackendConnection[] = [];
  private readonly waiting: Exchange[] = [];
  private sweep: NodeJS.Timeout | null = null;
  private readonly sweepMs: number;
  private readonly defaultHost: string;
  private closing = false;
  private destroyed = false;
  private onEmpty: (() => void)[] = [];

  constructor(private readonly options: BackendClientOptions) {
    // Timeouts are checked to within about a quarter of the shortest, and at least once a second.
    this.sweepMs = Math.max(5, Math.min(1_000, Math.min(options.connectTimeoutMs, options.headersTimeoutMs, options.bodyTimeoutMs) / 4));
    this.defaultHost = options.host.includes(':') ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
  }

  dispatch(request: BodilessRequest, handler: Dispatcher.DispatchHandler): boolean {
    const exchange = new Exchange(handler, request.method);
    handler.onRequestStart?.(exchange, {});
    if (exchange.settled) return true;
    if (this.closing || this.destroyed) {
      exchange.fail(clientError(this.destroyed ? 'UND_ERR_DESTROYED' : 'UND_ERR_CLOSED', 'the backend client is closed'));
      return true;
    }
    try {
      exchange.head = requestHead(request.method, request.path, request.headers, this.defaultHost);
    } catch (err) {
      exchange.fail(err as Error);
      return true;
    }
    const connection = this.takeIdle();
    if (connection !== undefined) connection.start(exchange);
    else if (this.connections.size < this.options.connections) this.open().start(exchange);
    else {
      exchange.host = this;
      this.waiting.push(exchange);
      return false;
    }
    return true;
  }

  /** Waits for the exchanges under way and those waiting, then closes every connection. */
  close(): Promise<void> {
    this.closing = true;
    for (const connection of this.idle.splice(0)) connection.close();
    return this.whenEmpty();
  }

  /** Closes every connection now; what was under way fails. */
  destroy(): Promise<void> {
    this.destroyed = true;
    this.closing = true;
    const reason = clientError('UND_ERR_DESTROYED', 'the backend client was destroyed');
    for (const exchange of this.waiting.splice(0)) exchange.fail(reason);
    for (const connection of this.connections) connection.close(reason);
    return this.whenEmpty();
  }

  released(connection: BackendConnection): void {
    const next = this.nextWaiting();
    if (next) connection.start(next);
    else if (this.closing) connection.close();
    else this.idle.push(connection);
  }

  closed(connection: BackendConnection): void {
    this.connections.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
    // A waiting request takes the place the closed connection left.
    const next = this.nextWaiting();
    if (next) this.open().start(next);
    if (this.connections.size === 0) {
      if (this.sweep) clearInterval(this.sweep);
      this.sweep = null;
      if (this.waiting.length === 0) for (const resolve of this.onEmpty.splice(0)) resolve();
    }
  }

  abortExchange(exchange: Exchange, reason: Error): void {
    const at = this.waiting.indexOf(exchange);
    if (at !== -1) this.waiting.splice(at, 1);
    exchange.fail(reason);
  }

  pauseExchange(): void {}
  resumeExchange(): void {}

  /**
   * The most recently used idle connection that can still be used: one the
   * client closed this turn (unasked bytes, the backend's FIN) is still
   * listed until its socket's close event, and one past its keep-alive time
   * may not have met the sweep yet.
   */
  private takeIdle(): BackendConnection | undefined {
    let now = -1;
    for (let connection = this.idle.pop(); connection !== undefined; connection = this.idle.pop()) {
      if (!connection.idle) continue;
      if (now < 0) now = performance.now();
      if (connection.usableAt(now)) return connection;
      connection.close();
    }
    return undefined;
  }

  private nextWaiting(): Exchange | undefined {
    const next = this.waiting.shift();
    if (next) next.host = null;
    return next;
  }

  private open(): BackendConnection {
    const connection = new BackendConnection(this.options, this);
    this.connections.add(connection);
    if (this.sweep === null) {
      this.sweep = setInterval(this.checkDeadlines, this.sweepMs);
      this.sweep.unref();
    }
    return connection;
  }

  private readonly checkDeadlines = (): void => {
    const now = performance.now();
    for (const connection of this.connections) connection.checkDeadline(now);
  };

  private whenEmpty(): Promise<void> {
    if (this.connections.size === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.onEmpty.push(resolve));
  }
}
