/**
 * Balancing strategies, one small object each behind one interface, shared
 * by the gateway (HTTP and gRPC) and the kv balancer. A strategy only
 * chooses; health, retries and counting live with the caller.
 */
import { IndexedHeap } from './indexed-heap.js';

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
  /** Told that `b.inFlight` or `b.load` changed, for strategies that keep an order by them. */
  changed?(b: B): void;
}

/** Next backend in turn. The cursor is on the full list so that ejections do not reshuffle the order. */
export function roundRobin<B extends Balanceable>(): Strategy<B> & { readonly cursor: number } {
  let next = 0;
  return {
    name: 'round_robin',
    get cursor() {
      return next;
    },
    pick(candidates, exclude) {
      // A retry skips those already tried: at most |exclude| + 1 looks.
      for (let k = 0; k < candidates.length; k++) {
        const chosen = candidates[(next + k) % candidates.length]!;
        if (exclude?.has(chosen)) continue;
        next = (next + k + 1) % Number.MAX_SAFE_INTEGER;
        return chosen;
      }
      return undefined;
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
 * Weighted round robin as an earliest-deadline schedule (as Envoy does
 * weights): each backend is due every 1/weight, the one due first is
 * picked and its next turn set 1/weight later. Over any span each gets its
 * share, evenly spread (5/3/2 gives A B A C A B A A B C), and a pick costs
 * O(log n) where nginx's smooth weighted round robin scans every backend.
 * A backend that comes back from an ejection starts one turn after the
 * current time, not where it left off, so it gets no burst of catching up.
 */
export function weighted<B extends Balanceable>(): Strategy<B> {
  const due = new Map<B, number>();
  const rank = new Map<B, number>();
  let now = 0;
  const before = (a: B, b: B) => due.get(a)! < due.get(b)! || (due.get(a) === due.get(b) && rank.get(a)! < rank.get(b)!);
  const schedule = new Schedule<B>(before, (list, previous) => {
    list.forEach((b, i) => {
      rank.set(b, i);
      if (!previous?.has(b)) due.set(b, now + 1 / b.weight);
    });
  });
  const nextTurn = (chosen: B) => {
    now = due.get(chosen)!;
    due.set(chosen, now + 1 / chosen.weight);
  };
  return {
    name: 'weighted',
    pick(candidates, exclude) {
      return schedule.take(candidates, exclude, nextTurn);
    },
  };
}

/**
 * Fewest requests in flight, then the lower `load`, then the one picked
 * longest ago, so idle backends take turns. The order is a heap kept up to
 * date by `changed`, which the targets call on every change of their load
 * (see BalancedTarget), so a pick is O(log n).
 */
export function leastLoaded<B extends Balanceable>(): Strategy<B> & { changed(b: B): void } {
  const lastPicked = new Map<B, number>();
  let picks = 0;
  const before = (a: B, b: B) =>
    a.inFlight !== b.inFlight
      ? a.inFlight < b.inFlight
      : (a.load ?? 0) !== (b.load ?? 0)
        ? (a.load ?? 0) < (b.load ?? 0)
        : (lastPicked.get(a) ?? 0) < (lastPicked.get(b) ?? 0);
  const schedule = new Schedule<B>(before);
  const markPicked = (chosen: B) => void lastPicked.set(chosen, ++picks);
  return {
    name: 'least_loaded',
    pick(candidates, exclude) {
      return schedule.take(candidates, exclude, markPicked);
    },
    changed(b) {
      schedule.current?.update(b);
    },
  };
}

/**
 * The heap over the candidates a strategy was last handed. Callers hand
 * the same array until health changes (BackendPool.healthy), so the heap
 * is built once per change of health, not per pick.
 */
class Schedule<B> {
  current: IndexedHeap<B> | null = null;
  private list: readonly B[] | null = null;

  constructor(
    private readonly before: (a: B, b: B) => boolean,
    /** Called before a heap is built over a new list, with the previous heap (to tell who is new). */
    private readonly prepare?: (list: readonly B[], previous: IndexedHeap<B> | null) => void,
  ) {}

  /**
   * The first of `list` in order that `exclude` does not hold; `advance`
   * changes its key (its next turn, when it was picked), and its place in
   * the heap follows.
   */
  take(list: readonly B[], exclude: ReadonlySet<B> | undefined, advance: (chosen: B) => void): B | undefined {
    const heap = this.over(list);
    const chosen = heap.first(exclude?.size ? (b) => exclude.has(b) : undefined);
    if (chosen === undefined) return undefined;
    advance(chosen);
    heap.update(chosen);
    return chosen;
  }

  private over(list: readonly B[]): IndexedHeap<B> {
    if (list !== this.list || !this.current) {
      this.prepare?.(list, this.current);
      this.current = new IndexedHeap(this.before, list);
      this.list = list;
    }
    return this.current;
  }
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
