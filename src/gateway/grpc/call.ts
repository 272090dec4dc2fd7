import { constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Strategy } from '../../common/strategies.js';
import type { Backend, BackendPool } from '../backend-pool.js';
import type { HealthMonitor } from '../health-monitor.js';
import { ConnectError, type BackendSessions } from './backend-sessions.js';
import { formatGrpcTimeout, parseGrpcTimeout } from './deadline.js';
import { backendRequestHeaders, clientResponseHeaders, clientTrailers, isTrailersOnly } from './metadata.js';
import { encodeGrpcMessage, GrpcStatus, statusForRstCode } from './status.js';

export interface CallContext {
  pool: BackendPool;
  health: HealthMonitor;
  strategy: Strategy<Backend>;
  sessions: BackendSessions;
  retries: number;
  onStart(): void;
  /** Called once per call, whatever its end. */
  onDone(outcome: CallOutcome): void;
}

export interface CallOutcome {
  path: string;
  clientIp: string;
  /** The gRPC status the client was given (or would have been, had it stayed). */
  status: number;
  /** The HTTP status of the response: 200 for every gRPC answer, 415 for a request that is not gRPC, 499 when the client left first. */
  httpStatus: number;
  seconds: number;
  backend: Backend | null;
}

/**
 * A grpc-js client cancels at its own deadline, computed a little before
 * ours (it started the clock first); a cancel this close to our deadline is
 * the deadline, not the user giving up.
 */
const DEADLINE_SLACK_MS = 20;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** nginx's "client closed request", for the access line of a call whose client left before its status. */
const CLIENT_GONE = 499;

const statusOf = (headers: IncomingHttpHeaders | OutgoingHttpHeaders): number => {
  const value = Number(headers['grpc-status']);
  return Number.isInteger(value) ? value : GrpcStatus.UNKNOWN;
};

/**
 * One gRPC call through the gateway: choose a backend, open a stream on its
 * session, then copy both ways with backpressure (pipe) and pass the
 * backend's headers and trailers through. Until a backend has the call,
 * connect failures move it to the next backend; after that, whatever goes
 * wrong ends the call with a gRPC status in trailers, never a bare reset.
 */
export class ProxiedCall {
  private readonly started = process.hrtime.bigint();
  private readonly path: string;
  /** Read now: once the stream is closed, its session may be gone. */
  private readonly clientIp: string;
  private readonly deadlineAt: number | null = null;
  private readonly deadlineTimer: NodeJS.Timeout | null = null;
  private readonly tried = new Set<Backend>();
  private readonly failures: string[] = [];
  private backend: Backend | null = null;
  private upstream: ClientHttp2Stream | null = null;
  /** The backend's trailers, once they came. */
  private backendTrailers: IncomingHttpHeaders | null = null;
  /** Trailers of the gateway's own making (deadline, backend lost) that replace the backend's. */
  private ownTrailers: OutgoingHttpHeaders | null = null;
  private waitingForTrailers = false;
  private finished = false;

  constructor(
    private readonly ctx: CallContext,
    private readonly stream: ServerHttp2Stream,
    private readonly headers: IncomingHttpHeaders,
  ) {
    this.path = String(headers[':path'] ?? '/');
    this.clientIp = stream.session?.socket?.remoteAddress ?? '-';
    ctx.onStart();
    stream.on('error', () => {});
    stream.on('close', () => this.clientClosed());
    stream.on('wantTrailers', () => this.sendTrailers());
    const timeoutMs = parseGrpcTimeout(headers['grpc-timeout']);
    if (timeoutMs !== null) {
      this.deadlineAt = Date.now() + timeoutMs;
      // Past setTimeout's 24.8-day limit node would fire at once; such a deadline is sent on but not timed here.
      if (timeoutMs <= MAX_TIMER_MS) this.deadlineTimer = setTimeout(() => this.deadlineExceeded(), timeoutMs);
    }
  }

  start(): void {
    const contentType = String(this.headers['content-type'] ?? '');
    if (this.headers[':method'] !== 'POST' || !contentType.startsWith('application/grpc')) {
      // gRPC over HTTP/2: a request that is not gRPC gets 415 so that a confused client sees why.
      if (this.writable()) this.stream.respond({ ':status': 415, 'content-type': 'text/plain' }, { endStream: true });
      this.stream.resume();
      this.done(GrpcStatus.UNKNOWN, 415);
      return;
    }
    void this.dispatch();
  }

  private poolName(): string {
    return `pool [${this.ctx.pool.all.map((b) => b.name).join(', ')}]`;
  }

  /** Picks backends until one takes the call; each failed connect is a passive health failure. */
  private async dispatch(): Promise<void> {
    for (;;) {
      const backend = this.ctx.strategy.pick(this.ctx.pool.healthy(), this.tried);
      if (!backend) {
        const message = this.failures.length
          ? `no backend could take the call (${this.failures.join('; ')}) in ${this.poolName()}`
          : `no healthy backend in ${this.poolName()}`;
        this.finish(GrpcStatus.UNAVAILABLE, message);
        return;
      }
      this.tried.add(backend);
      let session: ClientHttp2Session;
      try {
        session = await this.ctx.sessions.get(backend);
        if (this.finished || this.ownTrailers) return;
        this.forward(backend, session);
        return;
      } catch (err) {
        if (this.finished || this.ownTrailers) return;
        const reason = err instanceof ConnectError ? err.reason : ((err as NodeJS.ErrnoException).code ?? (err as Error).message);
        this.ctx.health.recordFailure(backend, reason);
        this.failures.push(`${backend.name}: ${reason}`);
        if (this.tried.size > this.ctx.retries) {
          this.finish(GrpcStatus.UNAVAILABLE, `no backend could take the call (${this.failures.join('; ')}) in ${this.poolName()}`);
          return;
        }
      }
    }
  }

  /** Throws (session already gone) before anything was sent, so dispatch can try the next backend. */
  private forward(backend: Backend, session: ClientHttp2Session): void {
    const remaining = this.deadlineAt === null ? null : formatGrpcTimeout(this.deadlineAt - Date.now());
    const upstream = session.request(backendRequestHeaders(this.headers, this.path, remaining), { endStream: false });
    this.backend = backend;
    this.upstream = upstream;
    backend.started();
    upstream.on('error', () => {});
    upstream.on('response', (headers) => {
      this.ctx.health.recordSuccess(backend);
      if (this.finished || this.ownTrailers || !this.writable()) return;
      if (isTrailersOnly(headers)) {
        this.stream.respond(clientResponseHeaders(headers), { endStream: true });
        this.done(statusOf(headers), Number(headers[':status'] ?? 200));
        return;
      }
      this.stream.respond(clientResponseHeaders(headers), { waitForTrailers: true });
      upstream.pipe(this.stream);
    });
    upstream.on('trailers', (trailers) => {
      this.backendTrailers = trailers;
      if (this.waitingForTrailers) this.sendTrailers();
    });
    upstream.on('close', () => {
      backend.finished();
      this.upstreamClosed(upstream);
    });
    this.stream.pipe(upstream);
  }

  private upstreamClosed(upstream: ClientHttp2Stream): void {
    if (this.finished || this.ownTrailers) return;
    if (this.backendTrailers) {
      if (this.waitingForTrailers) this.sendTrailers();
      return;
    }
    const name = this.backend?.name ?? 'backend';
    const code = upstream.rstCode ?? constants.NGHTTP2_NO_ERROR;
    // Whatever code node gives the streams of a dead connection, for the client the server became unavailable.
    const connectionLost = !upstream.session || upstream.session.destroyed || upstream.session.closed;
    if (!this.stream.headersSent && this.backend) this.ctx.health.recordFailure(this.backend, `stream reset (code ${code})`);
    if (connectionLost) this.finish(GrpcStatus.UNAVAILABLE, `connection to backend ${name} lost`);
    else if (code === constants.NGHTTP2_NO_ERROR) this.finish(GrpcStatus.UNAVAILABLE, `backend ${name} closed the call without a status`);
    else this.finish(statusForRstCode(code), `backend ${name} reset the call (HTTP/2 error ${code})`);
  }

  private deadlineExceeded(): void {
    // Trailers already in hand: the backend answered in time and they are on their way out.
    if (this.finished || this.ownTrailers || this.backendTrailers) return;
    this.finish(GrpcStatus.DEADLINE_EXCEEDED, 'deadline exceeded at the gateway');
  }

  /** The client reset or went away: the backend is told with RST_STREAM(CANCEL), as a direct client would. */
  private clientClosed(): void {
    this.cancelUpstream();
    if (this.finished) return;
    if (this.ownTrailers) {
      this.done(statusOf(this.ownTrailers), CLIENT_GONE);
      return;
    }
    const atDeadline = this.deadlineAt !== null && Date.now() >= this.deadlineAt - DEADLINE_SLACK_MS;
    this.done(atDeadline ? GrpcStatus.DEADLINE_EXCEEDED : GrpcStatus.CANCELLED, CLIENT_GONE);
  }

  private cancelUpstream(): void {
    const upstream = this.upstream;
    if (upstream && !upstream.closed && !upstream.destroyed) upstream.close(constants.NGHTTP2_CANCEL);
  }

  /** Ends the call with a status of the gateway's own: Trailers-Only if nothing was sent yet, else after the data already sent. */
  private finish(status: number, message: string): void {
    if (this.finished || this.ownTrailers) return;
    const trailers: OutgoingHttpHeaders = { 'grpc-status': String(status), 'grpc-message': encodeGrpcMessage(message) };
    this.ownTrailers = trailers;
    this.upstream?.unpipe(this.stream);
    this.cancelUpstream();
    // Whatever the client still sends has nowhere to go; reading it keeps its window open so it can finish.
    this.stream.unpipe();
    this.stream.resume();
    if (!this.writable()) {
      this.done(status, CLIENT_GONE);
    } else if (!this.stream.headersSent) {
      this.stream.respond({ ':status': 200, 'content-type': 'application/grpc', ...trailers }, { endStream: true });
      this.done(status, 200);
    } else if (this.waitingForTrailers) {
      this.sendTrailers();
    } else if (!this.stream.writableEnded) {
      this.stream.end();
    }
  }

  /** 'wantTrailers': the last DATA frame is queued. The backend's trailers may still be on their way. */
  private sendTrailers(): void {
    if (this.finished) return;
    const trailers = this.ownTrailers ?? (this.backendTrailers ? clientTrailers(this.backendTrailers) : null);
    if (!trailers) {
      this.waitingForTrailers = true;
      return;
    }
    if (this.writable()) this.stream.sendTrailers(trailers);
    this.done(statusOf(trailers), 200);
  }

  private writable(): boolean {
    return !this.stream.destroyed && !this.stream.closed;
  }

  private done(status: number, httpStatus: number): void {
    if (this.finished) return;
    this.finished = true;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.ctx.onDone({
      path: this.path,
      clientIp: this.clientIp,
      status,
      httpStatus,
      seconds: Number(process.hrtime.bigint() - this.started) / 1e9,
      backend: this.backend,
    });
  }
}
