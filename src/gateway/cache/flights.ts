import { LRUCache } from 'lru-cache';

/**
 * Request coalescing ("collapsed forwarding"): while one request for a key
 * is at the backend, later ones for the same key wait for it and then look
 * in the store again. A waiter that finds nothing usable (the answer was not
 * storable, too large, or failed) fetches for itself, so no answer can leave
 * waiters hanging; the wait is bounded as well, in case the leader's client
 * reads its body slowly.
 */
export class Flights {
  private readonly inFlight = new Map<string, Promise<void>>();
  /**
   * Keys whose last answer could not be stored (Varnish's "hit-for-miss"):
   * requests for them go straight to the backend for a while instead of
   * queueing behind one another for an answer they could not share.
   */
  private readonly uncacheable = new LRUCache<string, true>({ max: 10_000, ttl: 60_000 });

  constructor(private readonly maxWaitMs: number) {}

  coalesces(key: string): boolean {
    return !this.uncacheable.has(key);
  }

  /** Records whether the answer fetched for `key` could be stored. */
  remember(key: string, storable: boolean): void {
    if (storable) this.uncacheable.delete(key);
    else this.uncacheable.set(key, true);
  }

  /** Becomes the leader for `key` when nobody is; returns the function that releases the waiters (idempotent). */
  lead(key: string): (() => void) | null {
    if (this.inFlight.has(key)) return null;
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    this.inFlight.set(key, done);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (this.inFlight.get(key) === done) this.inFlight.delete(key);
      release();
    };
  }

  isInFlight(key: string): boolean {
    return this.inFlight.has(key);
  }

  /** Resolves when the flight for `key` ends or the bound passes; false when there was no flight. */
  async wait(key: string): Promise<boolean> {
    const flight = this.inFlight.get(key);
    if (!flight) return false;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.maxWaitMs);
      timer.unref();
    });
    try {
      await Promise.race([flight, bound]);
    } finally {
      clearTimeout(timer);
    }
    return true;
  }
}
