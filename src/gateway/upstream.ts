import type { Strategy } from '../common/strategies.js';
import type { Backend, BackendPool } from './backend-pool.js';
import { badGateway, gatewayTimeout, GatewayError, noHealthyBackend } from './errors.js';
import { bodyIsDelimited, clientResponseHeaders } from './headers.js';
import type { HealthMonitor } from './health-monitor.js';
import type { UpstreamRequest, UpstreamResponse } from './upstream-types.js';

/** Methods that are safe to send again after a failure (the ones nginx's proxy_next_upstream retries by default). */
const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
/** Nothing was sent: the request can go anywhere else, whatever its method. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/**
 * The client (undici, or ./backend-client with undici's codes) refused to
 * send the request as it stands (a header it will not forward, an invalid
 * value): the request's fault, the same at every
 * backend, so neither a backend failure nor a reason to retry.
 */
const UNSENDABLE_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);
/** The client went away: not the backend's fault, and nothing to retry. */
const CLIENT_GONE = 'PIBL_CLIENT_GONE';

export interface UpstreamOptions {
  pool: BackendPool;
  strategy: Strategy<Backend>;
  health: HealthMonitor;
  retries: number;
  /** Seconds for Retry-After when no backend is healthy. */
  retryAfterS: number;
}

/** One attempt at one backend ended (for metrics): `error` is set when it failed. */
export type AttemptListener = (backend: Backend, error: string | null) => void;

/**
 * Sends one attempt to `backend`; resolves once the response head arrived
 * (from then on the exchange is committed to that backend), rejects if the
 * attempt failed before that. `release` must be called exactly once when
 * the exchange is over, whatever its outcome.
 */
export type Attempt<T> = (backend: Backend, release: () => void) => Promise<T>;

/**
 * Sends requests to the backends: choice by strategy among the healthy
 * ones, in-flight accounting for least_loaded, passive health, and retries
 * on another backend when nothing came back yet (SPEC §2 "Retries").
 */
export class Upstream {
  onAttempt: AttemptListener | null = null;

  constructor(private readonly options: UpstreamOptions) {}

  /**
   * Runs `attempt` on backends chosen by the strategy until one answers
   * with a response head, or the retries are spent.
   */
  async send<T>(method: string, attempt: Attempt<T>): Promise<T> {
    const { pool, strategy, health, retries } = this.options;
    // Allocated only when a retry needs to exclude what was tried.
    let tried: Set<Backend> | undefined;
    let first: Backend | undefined;
    let lastError: unknown;
    for (let n = 0; n <= retries; n++) {
      if (first && !tried) tried = new Set([first]);
      const backend = strategy.pick(pool.healthy(), tried);
      if (!backend) break;
      if (tried) tried.add(backend);
      else first = backend;
      backend.started();
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          backend.finished();
        }
      };
      try {
        const result = await attempt(backend, release);
        health.recordSuccess(backend);
        this.onAttempt?.(backend, null);
        return result;
      } catch (err) {
        release();
        const code = errorCode(err);
        if (code === 'UND_ERR_ABORTED' || code === CLIENT_GONE) throw err;
        if (UNSENDABLE_CODES.has(code)) {
          throw new GatewayError(400, 'PIBL_ERR_BAD_REQUEST', `the request cannot be forwarded: ${(err as Error).message}`, { cause: err });
        }
        health.recordFailure(backend, code);
        this.onAttempt?.(backend, code);
        lastError = err;
        if (!RETRYABLE_METHODS.has(method) && !NOT_SENT_CODES.has(code)) break;
      }
    }
    if (lastError === undefined) throw noHealthyBackend(this.options.retryAfterS);
    throw toGatewayError(lastError);
  }

  /** The cache's seam: the response as a Readable, resolved at the response head. */
  fetch = (request: UpstreamRequest): Promise<UpstreamResponse> =>
    this.send(request.method, async (backend, release) => {
      const res = await backend.pool.request({
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        onInfo: request.onInterim && (({ statusCode, headers }) => request.onInterim!(statusCode, headers as Record<string, string | string[]>)),
      });
      res.body.once('close', release);
      res.body.once('end', release);
      res.body.once('error', release);
      return {
        status: res.statusCode,
        headers: clientResponseHeaders(res.headers),
        body: res.body,
        backend: backend.name,
        delimited: bodyIsDelimited(res.statusCode, res.headers),
      };
    });
}

export const clientGone = () => Object.assign(new Error('client closed the connection'), { code: CLIENT_GONE });

export function errorCode(err: unknown): string {
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  // undici's HTTPParserError (a malformed answer) often carries no code: its name says what happened.
  return e?.code ?? e?.cause?.code ?? (e?.name && e.name !== 'Error' ? e.name : 'UNKNOWN');
}

function toGatewayError(err: unknown): GatewayError {
  // Already the gateway's own verdict (an invalid response head): keep what it says.
  if (err instanceof GatewayError) return err;
  const code = errorCode(err);
  if (TIMEOUT_CODES.has(code)) return gatewayTimeout(`backend timed out (${code})`, err);
  if ((err as Error)?.name === 'HTTPParserError') return badGateway(`backend sent a malformed answer (HTTPParserError ${code}: ${(err as Error).message})`, err);
  return badGateway(`backend failed (${code})`, err);
}
