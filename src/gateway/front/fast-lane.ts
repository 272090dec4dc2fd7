import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { onClientError } from '../client-error.js';
import { LeanRequest } from './lean-request.js';
import { LeanResponse } from './lean-response.js';
import { parseSimpleHead } from './request-head.js';

export interface FastLaneOptions {
  /** The largest request head (buffer_size): a longer one goes to node, which answers 431. */
  maxHeadBytes: number;
  /** Idle time allowed between two requests of a connection (node's keepAliveTimeout). */
  keepAliveTimeoutMs: number;
  /** Socket inactivity allowed otherwise (node's server timeout, idle_timeout). */
  idleTimeoutMs: number;
  /** How long a new connection may stay silent before its 408 (headers_timeout). */
  headersTimeoutMs: number;
  /** Paths node:http serves: the gateway's own routes (Fastify). */
  leaveToNode(url: string): boolean;
  /** Serves one request; `res` settles once the answer is written or cannot be. */
  serve(req: LeanRequest, res: LeanResponse): void;
}

type ConnectionListener = (socket: Socket) => void;

/** node's HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER: an idle connection closes this long after the advertised timeout. */
const KEEP_ALIVE_MARGIN_MS = 1_000;
/** A closing connection's reads: ended after this long without input, or this long in all (nginx's defaults). */
const LINGER_MS = 5_000;
const LINGER_MAX_MS = 30_000;

/**
 * The gateway's fast lane: plain GET and HEAD requests are read and
 * answered on the raw socket, without node:http's IncomingMessage and
 * ServerResponse streams (about 7 µs of CPU per request on the bench
 * machine, a sixth of a proxied miss: docs/performance.md, third round).
 * Each connection starts here;
 * the first request the lane does not take (a body, an upgrade, a repeated
 * field, a head split across reads, anything malformed, the gateway's own
 * routes) hands the connection, with every byte not yet served, to
 * node:http for the rest of its life. So node keeps every judgement on
 * unusual input (limits, timeouts on slow heads, 400s, smuggling), and the
 * lane only ever sees heads that node would read the same way.
 */
export class FastLane {
  /** Requests the lane answered itself, and connections it handed to node:http (read at scrape time). */
  readonly stats = { served: 0, handedOff: 0 };
  private readonly connections = new Set<LaneConnection>();
  private closing = false;
  private readonly toNode: ConnectionListener;

  /** Takes the server's connections ahead of node:http, which gets those handed off. */
  constructor(
    server: Server,
    readonly options: FastLaneOptions,
  ) {
    const [nodeListener, ...others] = server.listeners('connection') as ConnectionListener[];
    if (!nodeListener || others.length > 0) throw new Error('fast lane: expected node:http as the only connection listener');
    server.removeListener('connection', nodeListener);
    this.toNode = (socket) => nodeListener.call(server, socket);
    server.prependListener('connection', (socket: Socket) => {
      const connection = new LaneConnection(socket, this);
      this.connections.add(connection);
    });
  }

  /** Stop keeping connections alive: idle ones close now, busy ones after their answer. */
  close(): void {
    this.closing = true;
    this.closeIdle();
  }

  closeIdle(): void {
    for (const connection of this.connections) connection.closeIfIdle();
  }

  get isClosing(): boolean {
    return this.closing;
  }

  handOff(connection: LaneConnection, socket: Socket): void {
    this.connections.delete(connection);
    this.stats.handedOff++;
    this.toNode(socket);
  }

  forget(connection: LaneConnection): void {
    this.connections.delete(connection);
  }
}

class LaneConnection {
  private buffered: Buffer | null = null;
  private current: LeanResponse | null = null;
  private clientEnded = false;
  /** No request has been read yet: a silent client gets node's 408 after headers_timeout. */
  private awaitingFirst = true;
  /** The last answer is out, or node:http has the connection: the lane reads nothing more from it. */
  private finished = false;
  private readonly keepAliveTimeoutS: number;
  /** The inactivity timeout the socket has now (see arm). */
  private armedMs: number;
  /** How long a request in flight may be silent, when that is longer than armedMs; else 0. */
  private silenceAllowedMs = 0;
  /** Silence counted so far at the last timeout, and the bytes moved by then (to tell whether any moved since). */
  private silentMs = 0;
  private bytesMark = 0;

  constructor(
    private readonly socket: Socket,
    private readonly lane: FastLane,
  ) {
    this.keepAliveTimeoutS = Math.floor(lane.options.keepAliveTimeoutMs / 1000);
    for (const [event, listener] of this.listeners) socket.on(event, listener);
    this.armedMs = lane.options.headersTimeoutMs;
    socket.setTimeout(this.armedMs);
  }

  closeIfIdle(): void {
    if (this.current === null) this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.buffered = this.buffered === null ? chunk : Buffer.concat([this.buffered, chunk]);
    if (this.current === null) this.next();
    // Bytes behind the request being answered wait unread, as node pauses a pipelining client:
    // a flood stays in the kernel's buffers.
    if (this.current !== null && this.buffered !== null) this.socket.pause();
  };

  private readonly onEnd = (): void => {
    // A client that half-closes after its requests still gets their answers (as node with httpAllowHalfOpen).
    this.clientEnded = true;
    if (this.current === null) this.finish();
  };

  private readonly onDrain = (): void => this.current?.drained();

  private readonly onTimeout = (): void => {
    if (this.current !== null && !this.finished && this.silenceAllowedMs > 0 && this.stillAllowed()) return;
    if (this.finished) {
      this.socket.destroy();
      return;
    }
    if (this.awaitingFirst && this.current === null) {
      // As node's headers_timeout: a connection that never sent a whole head gets a 408.
      this.stopReading();
      onClientError(Object.assign(new Error('request head not received in time'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), this.socket);
      return;
    }
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.lane.forget(this);
    this.current?.abort();
  };

  private readonly onError = (): void => {
    // A reset client: 'close' follows and settles what was in flight.
  };

  /** Everything the lane listens to on the socket, removed as one at hand-off. */
  private readonly listeners: [string, (...args: any[]) => void][] = [
    ['data', this.onData],
    ['end', this.onEnd],
    ['drain', this.onDrain],
    ['timeout', this.onTimeout],
    ['close', this.onClose],
    ['error', this.onError],
  ];

  private readonly onSettled = (res: LeanResponse): void => {
    this.current = null;
    if (res.destroyed || this.socket.destroyed) return;
    if (!res.shouldKeepAlive) {
      this.finish();
      return;
    }
    this.next();
    if (!this.finished && this.buffered === null && this.socket.isPaused()) this.socket.resume();
  };

  private next(): void {
    const buffered = this.buffered;
    if (buffered === null) {
      if (this.clientEnded || this.lane.isClosing) this.finish();
      // node's margin past the advertised Keep-Alive timeout, so that a client never reuses a connection as it closes.
      else this.arm(this.lane.options.keepAliveTimeoutMs + KEEP_ALIVE_MARGIN_MS, 0);
      return;
    }
    const { options } = this.lane;
    const head = parseSimpleHead(buffered, options.maxHeadBytes);
    if (typeof head === 'string' || options.leaveToNode(head.url)) {
      this.handOff();
      return;
    }
    this.buffered = head.size < buffered.length ? buffered.subarray(head.size) : null;
    this.awaitingFirst = false;
    // A request in flight may be silent for idle_timeout. When that is longer than the pause allowed between
    // requests, the socket keeps the shorter timeout, and its timeouts count the silence up to idle_timeout.
    const between = options.keepAliveTimeoutMs + KEEP_ALIVE_MARGIN_MS;
    if (options.idleTimeoutMs > between) this.arm(between, options.idleTimeoutMs);
    else this.arm(options.idleTimeoutMs, 0);
    const req = new LeanRequest(head, this.socket);
    const res = new LeanResponse(req, this.socket, head.keepAlive && !this.lane.isClosing, this.keepAliveTimeoutS, this.onSettled);
    this.current = res;
    this.lane.stats.served++;
    options.serve(req, res);
  }

  /**
   * Gives the socket an inactivity timeout unless it has that one already:
   * each change allocates and files a timer, so with the defaults a
   * connection keeps one value across its requests and the pauses between
   * them. `silenceAllowedMs` (when above `ms`): what a request in flight
   * may stay silent in all (see stillAllowed).
   */
  private arm(ms: number, silenceAllowedMs: number): void {
    this.silenceAllowedMs = silenceAllowedMs;
    this.silentMs = 0;
    if (ms === this.armedMs) return;
    this.armedMs = ms;
    this.socket.setTimeout(ms);
  }

  /**
   * A timeout with a request in flight. Node restarts the socket's timer on
   * every read and write, so when it fires the connection has been silent
   * for the timer's value since the last of them; when no byte moved since
   * the previous timeout (and no write is pending, whose completion would
   * have restarted it unseen), the silence counted then goes on. Re-arms for
   * what is left of the allowed silence and returns true, or returns false
   * once it is spent.
   */
  private stillAllowed(): boolean {
    const socket = this.socket;
    const bytes = socket.bytesRead + socket.bytesWritten;
    const continued = this.silentMs > 0 && bytes === this.bytesMark && socket.writableLength === 0;
    const silence = (continued ? this.silentMs : 0) + this.armedMs;
    if (silence >= this.silenceAllowedMs) return false;
    this.silentMs = silence;
    this.bytesMark = bytes;
    this.armedMs = this.silenceAllowedMs - silence;
    socket.setTimeout(this.armedMs);
    return true;
  }

  /**
   * After the connection's last answer, nothing more is answered, and the
   * connection closes in stages (RFC 9112 §9.6). Closing with unread bytes
   * from the client would make the kernel answer with a reset, which can
   * destroy the last answer on its way. So the FIN goes after it, and what
   * the client still sends is read and dropped until it closes too, or stays
   * silent for LINGER_MS, for LINGER_MAX_MS at most (nginx's lingering_close,
   * lingering_timeout, lingering_time).
   */
  private finish(): void {
    // With the lane's data listener gone the socket still flows: what arrives is dropped.
    this.stopReading();
    const socket = this.socket;
    socket.end();
    this.arm(LINGER_MS, 0);
    const cap = setTimeout(() => socket.destroy(), LINGER_MAX_MS);
    cap.unref();
    socket.once('close', () => clearTimeout(cap));
    if (socket.isPaused()) socket.resume();
  }

  private stopReading(): void {
    this.finished = true;
    this.buffered = null;
    this.socket.off('data', this.onData);
  }

  /**
   * node:http takes the connection from here on. Its listener is attached
   * first, then handed the bytes not yet served, synchronously and ahead of
   * anything read later, so the two never see the stream out of order.
   */
  private handOff(): void {
    const socket = this.socket;
    for (const [event, listener] of this.listeners) socket.off(event, listener);
    this.arm(0, 0);
    const buffered = this.buffered;
    this.buffered = null;
    this.finished = true;
    this.lane.handOff(this, socket);
    if (buffered !== null) socket.emit('data', buffered);
    // The stream emits its 'end' even while paused once nothing is left in it, so the lane may have
    // read the client's EOF already: node's listener is told, after the bytes, as it would have been.
    if (this.clientEnded) socket.emit('end');
    if (socket.isPaused()) socket.resume();
  }
}
