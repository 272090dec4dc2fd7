import { connect, type ClientHttp2Session, type ClientSessionOptions } from 'node:http2';
import type { Backend } from '../backend-pool.js';

/** Why a session could not be had: the errno-style code goes to health and the log. */
export class ConnectError extends Error {
  constructor(
    readonly backend: Backend,
    readonly reason: string,
  ) {
    super(`${backend.name} (${backend.address}): ${reason}`);
  }
}

export interface BackendSessionsOptions {
  connectTimeoutMs: number;
  /** HTTP/2 options of every backend connection (window sizes, memory bound). */
  http2?: ClientSessionOptions;
  /** Connection-level receive window, set once connected (HTTP/2 has no SETTING for it). */
  connectionWindow?: number;
  /** Streams a session is used for before the next call dials a fresh one (default: just short of HTTP/2's limit). */
  maxStreamsPerSession?: number;
}

interface Entry {
  session: ClientHttp2Session;
  ready: Promise<ClientHttp2Session>;
  /** Streams handed out on it. */
  streams: number;
}

/**
 * Client stream ids are odd 31-bit numbers, so a connection carries at most
 * 2^30 streams; past that node fails every request on it. At 10,000 calls/s
 * that is a day and a bit, so a long-lived gateway must move on in time.
 */
const HTTP2_MAX_CLIENT_STREAMS = 2 ** 30;

/**
 * One persistent HTTP/2 connection per backend, shared by every call to it,
 * as gRPC clients do: streams are cheap, connections are not. A session
 * that closes or receives GOAWAY is forgotten so the next call dials again;
 * its streams in flight finish on it (GOAWAY) or fail (close).
 */
export class BackendSessions {
  private readonly entries = new Map<Backend, Entry>();
  private readonly all = new Set<ClientHttp2Session>();
  private closed = false;

  private readonly maxStreams: number;

  constructor(private readonly options: BackendSessionsOptions) {
    this.maxStreams = options.maxStreamsPerSession ?? HTTP2_MAX_CLIENT_STREAMS - 1000;
  }

  /** A connected session to `backend`; rejects with ConnectError when it cannot be reached in time. */
  get(backend: Backend): Promise<ClientHttp2Session> {
    const current = this.entries.get(backend);
    if (current && !current.session.closed && !current.session.destroyed) {
      // The last stream it may carry: later calls dial a new one, this one finishes its streams and closes.
      if (++current.streams >= this.maxStreams) this.drop(backend);
      return current.ready;
    }
    if (this.closed) return Promise.reject(new ConnectError(backend, 'gateway closing'));
    return this.dial(backend);
  }

  private dial(backend: Backend): Promise<ClientHttp2Session> {
    const session = connect(`http://${backend.address}`, this.options.http2 ?? {});
    this.all.add(session);
    const forget = () => {
      if (this.entries.get(backend)?.session === session) this.entries.delete(backend);
    };
    // The first error names the cause (ECONNREFUSED, connect timeout); the 'close' that follows is vaguer.
    let dialError: string | undefined;
    session.on('error', (err: NodeJS.ErrnoException) => {
      forget();
      dialError ??= err.code ?? err.message;
    });
    session.on('goaway', forget);
    const ready = new Promise<ClientHttp2Session>((resolve, reject) => {
      const timer = setTimeout(() => {
        dialError ??= 'connect timeout';
        session.destroy();
      }, this.options.connectTimeoutMs);
      session.once('connect', () => {
        clearTimeout(timer);
        if (this.options.connectionWindow) session.setLocalWindowSize(this.options.connectionWindow);
        // Idle backend connections must not keep the process alive.
        session.unref();
        resolve(session);
      });
      session.once('close', () => {
        clearTimeout(timer);
        forget();
        this.all.delete(session);
        reject(new ConnectError(backend, dialError ?? 'closed before connecting'));
      });
    });
    this.entries.set(backend, { session, ready, streams: 1 });
    return ready;
  }

  /**
   * Stops using `backend`'s session: calls in flight finish on it, the next
   * call dials again. Called when health ejects a backend, because a
   * connection cut without a reset (a partition, a frozen host) looks open
   * forever and would swallow the calls made once the backend is back.
   */
  drop(backend: Backend): void {
    const entry = this.entries.get(backend);
    if (!entry) return;
    this.entries.delete(backend);
    // After the calls that already got this session have opened their streams (node refuses them on a closed session).
    const { session } = entry;
    entry.ready.then(
      () => setImmediate(() => session.destroyed || session.close()),
      () => {},
    );
  }

  /** Gracefully: streams in flight may finish (bounded by the caller), no new ones start. */
  close(): void {
    this.closed = true;
    for (const session of this.all) session.close();
  }

  destroy(): void {
    this.closed = true;
    for (const session of this.all) session.destroy();
  }
}
