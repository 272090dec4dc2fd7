/**
 * Balancing strategies, one small object each behind one interface, shared
 * by the gateway (HTTP and gRPC) and the kv balancer. A strategy only
 * chooses; health, retries and counting live with the caller.
 */
export interface Balanceable {
  /** Lower is preferred by `priority`. */
  readonly priority: number;
  /** Share of traffic under `weighted`. */
  readonly weight: number;
  /** Requests in flight now (least_loaded). */
  readonly inFlight: number;
  /** A longer-term load figure used to break least_loaded ties (e.g. polled totals); optional. */
  readonly load?: number;
}

export interface Strategy<B extends Balanceable = Balanceable> {
  readonly name: string;
  /**
   * Chooses one of `candidates` (the healthy ones, in configured order), or
   * undefined when there are none. `exclude` holds backends already tried
   * for this request.
   */
  pick(candidates: readonly B[], exclude?: ReadonlySet<B>): B | undefined;
}

const usable = <B>(candidates: readonly B[], exclude?: ReadonlySet<B>) =>
  exclude && exclude.size ? candidates.filter((b) => !exclude.has(b)) : candidates;

/** Next backend in turn. The cursor is on the full list so that ejections do not reshuffle the order. */
export function roundRobin<B extends Balanceable>(): Strategy<B> & { readonly cursor: number } {
  let next = 0;
  return {
    name: 'round_robin',
    get cursor() {
      return next;
    },
    pick(candidates, exclude) {
      const list = usable(candidates, exclude);
      if (list.length === 0) return undefined;
      const chosen = list[next % list.length]!;
      next = (next + 1) % Number.MAX_SAFE_INTEGER;
      return chosen;
    },
  };
}

/**
 * The healthy backend with the lowest priority (ties: configured order), as
 * the original gRPC proxy did. Callers hand the same candidates array until
 * health changes, so its priority order is computed once per array, and a
 * pick is O(1) until a retry excludes backends.
 */
export function priority<B extends Balanceable>(): Strategy<B> {
  const ordered = new WeakMap<readonly B[], B[]>();
  return {
    name: 'priority',
    pick(candidates, exclude) {
      let list = ordered.get(candidates);
      if (!list) {
        // Array.prototype.sort is stable: equal priorities keep the configured order.
        list = [...candidates].sort((a, b) => a.priority - b.priority);
        ordered.set(candidates, list);
      }
      if (!exclude || exclude.size === 0) return list[0];
      return list.find((b) => !exclude.has(b));
    },
  };
}

/**
 * Smooth weighted round robin, as nginx does weights: each pick adds every
 * weight to its backend's running score, takes the highest, and subtracts
 * the total from it, so 5/3/2 gives A B A C A B A B A C - evenly spread.
 */
export function weighted<B extends Balanceable>(): Strategy<B> {
  const scores = new Map<B, number>();
  return {
    name: 'weighted',
    pick(candidates, exclude) {
      const list = usable(candidates, exclude);
      let total = 0;
      let best: B | undefined;
      let bestScore = -Infinity;
      for (const b of list) {
        const score = (scores.get(b) ?? 0) + b.weight;
        scores.set(b, score);
        total += b.weight;
        if (score > bestScore) {
          best = b;
          bestScore = score;
        }
      }
      if (best) scores.set(best, bestScore - total);
      return best;
    },
  };
}

/** Fewest requests in flight, then the lower `load`; ties go in turn so that idle backends share. */
export function leastLoaded<B extends Balanceable>(): Strategy<B> {
  let turn = 0;
  return {
    name: 'least_loaded',
    pick(candidates, exclude) {
      const list = usable(candidates, exclude);
      if (list.length === 0) return undefined;
      const start = turn++ % list.length;
      let best = list[start]!;
      for (let i = 1; i < list.length; i++) {
        const b = list[(start + i) % list.length]!;
        if (b.inFlight < best.inFlight || (b.inFlight === best.inFlight && (b.load ?? 0) < (best.load ?? 0))) best = b;
      }
      return best;
    },
  };
}

export type StrategyKind = 'round_robin' | 'priority' | 'weighted' | 'least_loaded';

export function createStrategy<B extends Balanceable>(kind: StrategyKind): Strategy<B> {
  switch (kind) {
    case 'round_robin':
      return roundRobin<B>();
    case 'priority':
      return priority<B>();
    case 'weighted':
      return weighted<B>();
    case 'least_loaded':
      return leastLoaded<B>();
  }
}
