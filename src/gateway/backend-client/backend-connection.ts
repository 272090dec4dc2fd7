import { connect, type Socket } from 'node:net';
import { ChunkedBody } from './chunked-body.js';
import { clientError, HTTPParserError, parserError } from './errors.js';
import type { Exchange, ExchangeHost } from './exchange.js';
import { parseResponseHead, type Framing } from './response-head.js';

export interface ConnectionSettings {
  host: string;
  port: number;
  connectTimeoutMs: number;
  /** From the request's write to its answer's whole head. */
  headersTimeoutMs: number;
  /** Between two reads of an answer's body (suspended while the handler has it paused). */
  bodyTimeoutMs: number;
  /** The longest an unused connection is kept (the backend's Keep-Alive hint may shorten it). */
  keepAliveTimeoutMs: number;
  maxHeaderBytes: number;
}

/** What a connection tells its client. */
export interface ConnectionOwner {
  /** The exchange is over and the connection can carry another. */
  released(connection: BackendConnection): void;
  /** The socket is gone. */
  closed(connection: BackendConnection): void;
}

const enum Phase {
  Connecting,
  Head,
  Body,
  Idle,
  Closed,
}

/**
 * Every connection reads into this one buffer (net's `onread`): no
 * allocation per read and no stream machinery between the socket and the
 * parser. It is overwritten by the next read, so whatever outlives a read
 * (a partial head, the body chunks handed on) is copied out of it first.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** undici's keepAliveTimeoutThreshold: a backend's Keep-Alive hint is trusted to within this much. */
const HINT_MARGIN_MS = 1_000;

/**
 * One keep-alive connection to a backend, carrying one exchange at a time
 * (no pipelining): writes the request head, reads the answer's head and
 * body as they arrive and hands them to the exchange's handler. Bytes the
 * backend sends beyond an answer, or while no request is out, mean the
 * two sides no longer agree where answers start, so the connection is
 * never used again (the response-desync case undici guards against too).
 */
export class BackendConnection implements ExchangeHost {
  private readonly socket: Socket;
  private phase = Phase.Connecting;
  private connected = false;
  private exchange: Exchange | null = null;
  /** Bytes of a head that has not all arrived. */
  private partial: Buffer | null = null;
  private framing: Framing = { kind: 'none' };
  private remaining = 0;
  private chunked: ChunkedBody | null = null;
  private reusable = true;
  private keepAliveMs: number;
  /** The socket is not being read (the handler paused the exchange). */
  private socketPaused = false;
  /** What a read held beyond where the handler paused, copied out of the read buffer, taken up again on resume. */
  private stash: Buffer | null = null;
  /** performance.now() past which the current phase has taken too long; 0 for none. */
  deadline = 0;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly owner: ConnectionOwner,
  ) {
    this.keepAliveMs = settings.keepAliveTimeoutMs;
    this.deadline = performance.now() + settings.connectTimeoutMs;
    this.socket = connect({ host: settings.host, port: settings.port, noDelay: true, onread: { buffer: READ_BUFFER, callback: this.onRead } });
    this.socket.on('connect', this.onConnect);
    this.socket.on('end', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
  }

  get idle(): boolean {
    return this.phase === Phase.Idle;
  }

  /** Idle, and not yet past its keep-alive time (the sweep may not have come by since). */
  usableAt(now: number): boolean {
    return this.phase === Phase.Idle && now < this.deadline;
  }

  /** Sends the exchange's request; its answer goes to the exchange's handler. */
  start(exchange: Exchange): void {
    this.exchange = exchange;
    exchange.host = this;
    this.reusable = true;
    if (this.connected) {
      this.phase = Phase.Head;
      this.deadline = performance.now() + this.settings.headersTimeoutMs;
    }
    if (exchange.paused) this.pauseSocket();
    // Written at once even while connecting: node sends it when the connection is up.
    this.socket.write(exchange.head, 'latin1');
  }

  /** Closes the connection at once; an exchange on it fails with `err`. */
  close(err?: Error): void {
    if (err && this.exchange) {
      this.fail(err);
      return;
    }
    this.phase = Phase.Closed;
    this.stash = null;
    this.socket.destroy();
  }

  /** Called by the client's sweep: fails what took too long, closes what stayed unused too long. */
  checkDeadline(now: number): void {
    if (this.deadline === 0 || now < this.deadline) return;
    switch (this.phase) {
      case Phase.Connecting:
        this.fail(clientError('UND_ERR_CONNECT_TIMEOUT', `connect to ${this.settings.host}:${this.settings.port} timed out`));
        break;
      case Phase.Head:
        this.fail(clientError('UND_ERR_HEADERS_TIMEOUT', 'no response head within the read timeout'));
        break;
      case Phase.Body:
        this.fail(clientError('UND_ERR_BODY_TIMEOUT', 'response body stalled past the idle timeout'));
        break;
      default:
        this.close();
    }
  }

  /** The keep-alive time left is measured from when the connection became idle. */
  private becameIdle(): void {
    this.phase = Phase.Idle;
    this.deadline = performance.now() + this.keepAliveMs;
  }

  abortExchange(exchange: Exchange, reason: Error): void {
    if (this.exchange === exchange) this.fail(reason);
  }

  pauseExchange(exchange: Exchange): void {
    if (this.exchange !== exchange) return;
    this.pauseSocket();
    // A client slower than the backend is not the backend's delay.
    if (this.phase === Phase.Body) this.deadline = 0;
  }

  resumeExchange(exchange: Exchange): void {
    if (this.exchange !== exchange) return;
    if (this.phase === Phase.Body) this.deadline = performance.now() + this.settings.bodyTimeoutMs;
    // What was read past the pause goes first, in a later tick (not inside the handler's resume call);
    // the socket is read again only once it is all handed on.
    if (this.stash !== null) queueMicrotask(() => this.takeUpStash(exchange));
    else this.resumeSocket();
  }

  private takeUpStash(exchange: Exchange): void {
    const stash = this.stash;
    if (stash === null || this.exchange !== exchange || exchange.paused) return;
    this.stash = null;
    this.guarded(exchange, () => this.readBody(exchange, stash, 0));
    if (this.exchange === exchange && !exchange.paused && this.stash === null) this.resumeSocket();
  }

  private pauseSocket(): void {
    if (this.socketPaused) return;
    this.socketPaused = true;
    this.socket.pause();
  }

  private resumeSocket(): void {
    if (!this.socketPaused) return;
    this.socketPaused = false;
    this.socket.resume();
  }

  private readonly onConnect = (): void => {
    this.connected = true;
    if (this.phase === Phase.Connecting) {
      this.phase = this.exchange ? Phase.Head : Phase.Idle;
      this.deadline = this.exchange ? performance.now() + this.settings.headersTimeoutMs : 0;
    }
  };

  /** True: go on reading (pausing is the exchange's pause()). */
  private readonly onRead = (bytes: number, buffer: Uint8Array): boolean => {
    this.received((buffer as Buffer).subarray(0, bytes));
    return true;
  };

  private received(chunk: Buffer): void {
    const exchange = this.exchange;
    if (exchange === null) {
      // Unasked bytes on an idle connection: never use it again.
      this.close();
      return;
    }
    this.guarded(exchange, () => this.read(exchange, chunk));
  }

  /** Runs one step of reading an answer: a malformed answer, or a handler that threw while the exchange was live, fails the exchange. */
  private guarded(exchange: Exchange, step: () => void): void {
    try {
      step();
    } catch (err) {
      if (this.exchange === exchange) this.fail(err as Error);
      else {
        this.close();
        // A handler that threw after its answer ended is a bug of its own: as with node's streams, it is not
        // hidden. What a backend sent is never a reason to throw out of a socket listener.
        if (!(err instanceof HTTPParserError)) throw err;
      }
    }
  }

  private read(exchange: Exchange, chunk: Buffer): void {
    let buffer = chunk;
    let at = 0;
    if (this.phase === Phase.Head) {
      if (this.partial !== null) {
        buffer = Buffer.concat([this.partial, chunk]);
        this.partial = null;
      }
      for (;;) {
        const head = parseResponseHead(buffer, at, this.settings.maxHeaderBytes, exchange.method);
        if (head === null) {
          // A copy: the read buffer is reused.
          if (at < buffer.length) this.partial = Buffer.from(buffer.subarray(at));
          return;
        }
        at += head.size;
        if (head.status >= 200) {
          this.beginBody(head.framing, head.keepAlive, head.keepAliveHintMs);
          exchange.handler.onResponseStart?.(exchange, head.status, head.headers, head.reason);
          // Paused at the head: the body this read brought waits for resume.
          if (this.exchange === exchange && exchange.paused && at < buffer.length) {
            this.stash = Buffer.from(buffer.subarray(at));
            return;
          }
          break;
        }
        // 101 answers an Upgrade, which this client never sends; other 1xx are interim, and the final head follows.
        if (head.status === 101) throw parserError('HPE_INVALID_STATUS', '101 Switching Protocols to a request without Upgrade');
        // An interim answer shows the backend is at work: the wait for the final head starts again (as undici).
        this.deadline = performance.now() + this.settings.headersTimeoutMs;
        exchange.handler.onResponseStart?.(exchange, head.status, head.headers, head.reason);
        if (this.exchange !== exchange) return;
      }
      if (this.exchange !== exchange) return;
    }
    this.readBody(exchange, buffer, at);
  }

  private beginBody(framing: Framing, keepAlive: boolean, hintMs: number): void {
    this.phase = Phase.Body;
    this.framing = framing;
    this.deadline = performance.now() + this.settings.bodyTimeoutMs;
    if (framing.kind === 'length') this.remaining = framing.bytes;
    else if (framing.kind === 'chunked') this.chunked = new ChunkedBody(this.settings.maxHeaderBytes);
    if (hintMs >= 0) this.keepAliveMs = Math.min(this.settings.keepAliveTimeoutMs, hintMs - HINT_MARGIN_MS);
    this.reusable = keepAlive && this.keepAliveMs > 0;
  }

  private readBody(exchange: Exchange, buffer: Buffer, at: number): void {
    const available = buffer.length - at;
    switch (this.framing.kind) {
      case 'none':
        this.complete(exchange, available > 0);
        return;
      case 'length': {
        if (available === 0) return;
        const take = Math.min(available, this.remaining);
        this.remaining -= take;
        this.deliver(exchange, buffer.subarray(at, at + take));
        if (this.remaining === 0 && this.exchange === exchange) this.complete(exchange, available > take);
        return;
      }
      case 'chunked': {
        if (available === 0) return;
        const chunked = this.chunked!;
        // Reading stops where the handler paused or aborted: nothing is handed on while paused.
        const end = chunked.push(buffer, at, (data) => {
          this.deliver(exchange, data);
          return this.exchange === exchange && !exchange.paused;
        });
        if (this.exchange !== exchange) return;
        if (chunked.done) this.complete(exchange, end < buffer.length);
        else if (end < buffer.length) this.stash = Buffer.from(buffer.subarray(end));
        return;
      }
      case 'close':
        if (available > 0) this.deliver(exchange, buffer.subarray(at));
    }
  }

  private deliver(exchange: Exchange, data: Buffer): void {
    if (this.exchange !== exchange) return;
    if (!exchange.paused) this.deadline = performance.now() + this.settings.bodyTimeoutMs;
    // The handler may keep the chunk (a queued write, the cache's copy): it gets its own, out of the read buffer.
    exchange.handler.onResponseData?.(exchange, Buffer.from(data));
  }

  /** The answer is whole. `extra`: bytes came after it, so the connection is not used again. */
  private complete(exchange: Exchange, extra: boolean): void {
    this.exchange = null;
    this.chunked = null;
    this.partial = null;
    const reuse = this.reusable && !extra;
    if (reuse) {
      this.becameIdle();
      // An idle connection must keep reading, to see the backend's close or any unasked byte.
      this.resumeSocket();
    } else this.close();
    exchange.end();
    // Offered again only once the handler is done with its answer: a request it makes meanwhile
    // (in the same call stack, before the rest of this read is seen) takes another connection.
    if (reuse && this.phase === Phase.Idle) this.owner.released(this);
  }

  private fail(err: Error): void {
    const exchange = this.exchange;
    this.exchange = null;
    this.close();
    exchange?.fail(err);
  }

  private readonly onEnd = (): void => {
    const exchange = this.exchange;
    // A body that runs to the close has ended; anything else was cut short.
    if (exchange !== null && this.phase === Phase.Body && this.framing.kind === 'close') {
      this.reusable = false;
      this.complete(exchange, false);
    } else this.fail(clientError('UND_ERR_SOCKET', 'other side closed'));
  };

  private readonly onError = (err: Error): void => {
    this.fail(err);
  };

  private readonly onClose = (): void => {
    this.phase = Phase.Closed;
    this.deadline = 0;
    const exchange = this.exchange;
    this.exchange = null;
    exchange?.fail(clientError('UND_ERR_SOCKET', 'other side closed'));
    this.owner.closed(this);
  };
}
