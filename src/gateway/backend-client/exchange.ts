import type { Dispatcher } from 'undici';

/** What an exchange needs from whoever runs it: a connection, or the client's queue before one. */
export interface ExchangeHost {
  /** The exchange was aborted by its handler (the client went away). */
  abortExchange(exchange: Exchange, reason: Error): void;
  pauseExchange(exchange: Exchange): void;
  resumeExchange(exchange: Exchange): void;
}

/**
 * One request and its answer, and the controller its handler holds
 * (undici's DispatchController, so that one handler serves both of the
 * gateway's clients). Every handler call after the first end (answer, error
 * or abort) is dropped.
 */
export class Exchange implements Dispatcher.DispatchController {
  aborted = false;
  paused = false;
  reason: Error | null = null;
  /** The answer ended, failed or was aborted: nothing more reaches the handler. */
  settled = false;
  host: ExchangeHost | null = null;
  /** The request head, once built. */
  head = '';

  constructor(
    readonly handler: Dispatcher.DispatchHandler,
    readonly method: string,
  ) {}

  abort(reason: Error): void {
    if (this.settled) return;
    this.aborted = true;
    this.reason = reason;
    if (this.host) this.host.abortExchange(this, reason);
    else this.fail(reason);
  }

  pause(): void {
    if (this.paused || this.settled) return;
    this.paused = true;
    this.host?.pauseExchange(this);
  }

  resume(): void {
    if (!this.paused || this.settled) return;
    this.paused = false;
    this.host?.resumeExchange(this);
  }

  /** Ends the exchange with an error, once. */
  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.host = null;
    this.handler.onResponseError?.(this, err);
  }

  /** Ends the exchange with its whole answer, once. */
  end(): void {
    if (this.settled) return;
    this.settled = true;
    this.host = null;
    this.handler.onResponseEnd?.(this, {});
  }
}
