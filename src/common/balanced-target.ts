import type { Balanceable, Strategy } from './strategies.js';

/**
 * Something a strategy chooses among (a gateway backend, a kv node) that
 * counts its requests in flight. Every change of `inFlight` or `load` is
 * told to `onLoadChange`, so that least_loaded keeps its order up to date
 * in O(log n) instead of scanning every backend on each pick.
 */
export abstract class BalancedTarget implements Balanceable {
  abstract readonly priority: number;
  abstract readonly weight: number;
  /** Set by the wiring to the strategy's `changed` (see `followLoad`). */
  onLoadChange: ((target: this) => void) | null = null;
  private active = 0;

  get inFlight(): number {
    return this.active;
  }

  /** A request to this target began. */
  started(): void {
    this.active++;
    this.loadChanged();
  }

  /** A request to this target ended, however it ended. */
  finished(): void {
    this.active--;
    this.loadChanged();
  }

  protected loadChanged(): void {
    this.onLoadChange?.(this);
  }
}

/** Tells `strategy` of every load change of `targets` (a no-op for strategies that keep no order by load). */
export function followLoad<B extends BalancedTarget>(targets: readonly B[], strategy: Strategy<B>): void {
  const changed = strategy.changed?.bind(strategy) ?? null;
  for (const t of targets) t.onLoadChange = changed;
}
