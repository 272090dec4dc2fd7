import { connect, type Socket } from 'node:net';
import { PiblError } from './errors.js';

/**
 * A client for line-JSON servers (kv origin, nodes, balancer): one request
 * line out, one `\n`-terminated answer line back. Sockets to one host:port
 * are kept open and reused (one request in flight per socket), because a
 * TCP handshake per request costs more than the request itself on loopback
 * (see bench/kv-load.ts). With `keepAlive: false` every request gets its own
 * connection, as the original Python tools did.
 */
export interface LineClientOptions {
  host: string;
  port: number;
  /** Whole request, queueing and connecting included. Default 5 s. */
  timeoutMs?: number;
  /** Open sockets at most; more requests wait for one. Default 32. */
  maxSockets?: number;
  /**
   * An unused socket is closed after this long. Default 4 s: it must stay
   * below the servers' idle timeout (30 s), or a server could be closing the
   * socket (and writing its idle BAD_REQUEST) just as a request is sent.
   */
  idleSocketTimeoutMs?: number;
  /** Longest answer accepted. Default 8 MiB. */
  maxAnswerBytes?: number;
  /** Default true. */
  keepAlive?: boolean;
}

/** Why a request got no answer. Every one of them happened before a complete answer arrived. */
export type LineClientFailure = 'connect' | 'timeout' | 'closed' | 'too_long' | 'client_closed';

export class LineClientError extends PiblError {
  readonly reason: LineClientFailure;
  constructor(reason: LineClientFailure, message: string, cause?: unknown) {
    super('PIBL_ERR_UPSTREAM', message, { cause });
    this.name = 'LineClientError';
    this.reason = reason;
  }
}

interface Exchange {
  resolve(answer: string): void;
  reject(err: LineClientError): void;
}

interface Connection {
  socket: Socket;
  chunks: Buffer[];
  bytes: number;
  exchange: Exchange | undefined;
  /** Has answered at least once: a failure on it may be a server's keep-alive close, worth one retry. */
  used: boolean;
  dead: boolean;
}

const NEWLINE = 0x0a;

export class LineClient {
  readonly host: string;
  readonly port: number;
  private readonly timeoutMs: number;
  private readonly maxSockets: number;
  private readonly idleMs: number;
  private readonly maxAnswer: number;
  private readonly keepAlive: boolean;
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(options: LineClientOptions) {
    this.host = options.host;
    this.port = options.port;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxSockets = Math.max(1, options.maxSockets ?? 32);
    this.idleMs = options.idleSocketTimeoutMs ?? 4_000;
    this.maxAnswer = options.maxAnswerBytes ?? 8 * 1024 * 1024;
    this.keepAlive = options.keepAlive ?? true;
  }

  /** Open sockets (busy and idle). */
  get sockets(): number {
    return this.all.size;
  }

  /**
   * Sends `line` (a newline is added when missing) and resolves with the
   * answer line without its newline. Rejects with a LineClientError.
   * `timeoutMs` overrides the client's for this request (health probes want less).
   */
  request(line: string, { timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {}): Promise<string> {
    if (this.closed) return Promise.reject(new LineClientError('client_closed', `${this.address}: client closed`));
    const payload = line.endsWith('\n') ? line : `${line}\n`;
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      let current: Connection | undefined;
      const timer = setTimeout(() => {
        fail(new LineClientError('timeout', `${this.address}: no answer within ${timeoutMs} ms`));
        if (current) this.destroy(current);
      }, timeoutMs);
      const fail = (err: LineClientError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      };
      const attempt = (conn: Connection, mayRetry: boolean) => {
        if (settled) return this.release(conn);
        current = conn;
        conn.exchange = {
          resolve: (answer) => {
            current = undefined;
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve(answer);
          },
          reject: (err) => {
            current = undefined;
            // A reused socket the server had already closed: nothing was
            // answered, so sending again on a fresh socket is safe.
            if (mayRetry && conn.used && err.reason === 'closed' && !settled) {
              this.acquire(true).then((fresh) => attempt(fresh, false), fail);
            } else fail(err);
          },
        };
        conn.socket.ref();
        conn.socket.setTimeout(0);
        conn.socket.write(payload);
      };
      this.acquire(false).then((conn) => attempt(conn, true), fail);
    });
  }

  /** Closes every socket; requests in flight fail with `client_closed`. */
  close(): void {
    this.closed = true;
    for (const conn of [...this.all]) {
      conn.exchange?.reject(new LineClientError('client_closed', `${this.address}: client closed`));
      conn.exchange = undefined;
      this.destroy(conn);
    }
    for (const wake of this.waiting.splice(0)) wake();
  }

  private get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  private async acquire(fresh: boolean): Promise<Connection> {
    for (;;) {
      if (this.closed) throw new LineClientError('client_closed', `${this.address}: client closed`);
      if (!fresh) {
        const conn = this.idle.pop();
        if (conn) return conn;
      }
      if (this.all.size < this.maxSockets) return this.open();
      // Full: an idle socket can make room for a fresh one; otherwise wait for a release.
      if (fresh && this.idle.length) {
        this.destroy(this.idle.shift()!);
        continue;
      }
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  private open(): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true });
      const conn: Connection = { socket, chunks: [], bytes: 0, exchange: undefined, used: false, dead: false };
      this.all.add(conn);
      let connected = false;
      // One listener for the socket's life: while connecting, a peer that never
      // completes the handshake must not hold a pool slot; while idle, the
      // socket has lived long enough. Busy sockets have it turned off.
      socket.setTimeout(this.timeoutMs);
      socket.on('timeout', () => {
        if (conn.exchange) return;
        this.destroy(conn);
        if (!connected) reject(new LineClientError('connect', `${this.address}: connect timed out after ${this.timeoutMs} ms`));
      });
      socket.once('connect', () => {
        connected = true;
        resolve(conn);
      });
      socket.on('data', (chunk: Buffer) => this.onData(conn, chunk));
      socket.on('end', () => this.onEnd(conn));
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (!connected) {
          this.destroy(conn);
          reject(new LineClientError('connect', `${this.address}: cannot connect: ${err.code ?? err.message}`, err));
        } else this.failExchange(conn, new LineClientError('closed', `${this.address}: connection lost: ${err.code ?? err.message}`, err));
      });
      socket.on('close', () => {
        // Destroyed while connecting (close(), a connect timeout): the waiting request must hear of it.
        if (!connected) {
          reject(
            this.closed
              ? new LineClientError('client_closed', `${this.address}: client closed`)
              : new LineClientError('connect', `${this.address}: connection closed while connecting`),
          );
        }
        this.failExchange(conn, new LineClientError('closed', `${this.address}: connection closed before an answer`));
        this.forget(conn);
      });
    });
  }

  private onData(conn: Connection, chunk: Buffer): void {
    if (!conn.exchange) {
      // Nobody asked: an idle-timeout notice or a confused server. Never reuse it.
      this.destroy(conn);
      return;
    }
    const nl = chunk.indexOf(NEWLINE);
    if (nl === -1) {
      conn.chunks.push(chunk);
      conn.bytes += chunk.length;
      if (conn.bytes > this.maxAnswer) this.failExchange(conn, new LineClientError('too_long', `${this.address}: answer over ${this.maxAnswer} bytes`));
      return;
    }
    conn.chunks.push(chunk.subarray(0, nl));
    const answer = Buffer.concat(conn.chunks).toString('utf8');
    conn.chunks = [];
    conn.bytes = 0;
    const exchange = conn.exchange;
    conn.exchange = undefined;
    // Bytes after the answer were not asked for: the socket is out of step.
    if (nl !== chunk.length - 1) this.destroy(conn);
    else this.release(conn);
    exchange.resolve(answer);
  }

  private onEnd(conn: Connection): void {
    // The original servers close instead of writing a final newline; what came before EOF is the answer.
    if (conn.exchange && conn.bytes > 0) {
      const answer = Buffer.concat(conn.chunks).toString('utf8');
      const exchange = conn.exchange;
      conn.exchange = undefined;
      this.destroy(conn);
      exchange.resolve(answer);
      return;
    }
    this.destroy(conn);
  }

  private failExchange(conn: Connection, err: LineClientError): void {
    const exchange = conn.exchange;
    conn.exchange = undefined;
    this.destroy(conn);
    exchange?.reject(err);
  }

  private release(conn: Connection): void {
    conn.used = true;
    if (conn.dead) return;
    if (!this.keepAlive || this.closed) {
      this.destroy(conn);
      return;
    }
    conn.socket.unref();
    conn.socket.setTimeout(this.idleMs);
    this.idle.push(conn);
    this.waiting.shift()?.();
  }

  private destroy(conn: Connection): void {
    if (!conn.dead) {
      conn.dead = true;
      conn.socket.destroy();
    }
    this.forget(conn);
  }

  private forget(conn: Connection): void {
    const i = this.idle.indexOf(conn);
    if (i !== -1) this.idle.splice(i, 1);
    if (this.all.delete(conn)) this.waiting.shift()?.();
  }
}
