import type { Strategy } from '../common/strategies.js';
import type { Backend, BackendPool } from './backend-pool.js';
import { badGateway, gatewayTimeout, noHealthyBackend, type GatewayError } from './errors.js';
import { clientResponseHeaders } from './headers.js';
import type { HealthMonitor } from './health-monitor.js';
import type { UpstreamRequest, UpstreamResponse } from './upstream-types.js';

/** Methods that are safe to send again after a failure (RFC 9110 §9.2.2 idempotent and safe ones nginx retries). */
const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
/** Nothing was sent: the request can go anywhere else, whatever its method. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

export interface UpstreamOptions {
  pool: BackendPool;
  strategy: Strategy<Backend>;
  health: HealthMonitor;
  retries: number;
  /** Seconds for Retry-After when no backend is healthy. */
  retryAfterS: number;
}

export interface UpstreamListener {
  /** One attempt at one backend ended (for metrics): `error` is set when it failed. */
  (backend: Backend, error: string | null): void;
}

/**
 * Sends requests to the backends: choice by strategy among the healthy
 * ones, in-flight accounting for least_loaded, passive health, and retries
 * on another backend when nothing came back yet (SPEC §2 "Retries").
 */
export class Upstream {
  onAttempt: UpstreamListener | null = null;

  constructor(private readonly options: UpstreamOptions) {}

  fetch = async (request: UpstreamRequest): Promise<UpstreamResponse> => {
    const { pool, strategy, health, retries } = this.options;
    let tried: Set<Backend> | undefined;
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const backend = strategy.pick(pool.healthy(), tried);
      if (!backend) break;
      (tried ??= new Set()).add(backend);
      backend.inFlight++;
      backend.requests++;
      try {
        const res = await backend.pool.request({
          method: request.method,
          path: request.path,
          headers: request.headers,
          body: request.body,
          signal: request.signal,
        });
        health.recordSuccess(backend);
        this.onAttempt?.(backend, null);
        let released = false;
        const release = () => {
          if (!released) {
            released = true;
            backend.inFlight--;
          }
        };
        res.body.once('close', release);
        res.body.once('end', release);
        res.body.once('error', release);
        return { status: res.statusCode, headers: clientResponseHeaders(res.headers), body: res.body, backend: backend.name };
      } catch (err) {
        backend.inFlight--;
        const code = errorCode(err);
        if (code === 'UND_ERR_ABORTED' || request.signal?.aborted) throw err;
        health.recordFailure(backend, code);
        this.onAttempt?.(backend, code);
        lastError = err;
        if (!RETRYABLE_METHODS.has(request.method) && !NOT_SENT_CODES.has(code)) break;
      }
    }
    if (lastError === undefined) throw noHealthyBackend(this.options.retryAfterS);
    throw toGatewayError(lastError);
  };
}

export function errorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? 'UNKNOWN';
}

function toGatewayError(err: unknown): GatewayError {
  const code = errorCode(err);
  if (TIMEOUT_CODES.has(code)) return gatewayTimeout(`backend timed out (${code})`, err);
  return badGateway(`backend failed (${code})`, err);
}
