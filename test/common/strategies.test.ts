import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BalancedTarget, followLoad } from '../../src/common/balanced-target.js';
import { IndexedHeap } from '../../src/common/indexed-heap.js';
import { createStrategy, type StrategyKind } from '../../src/common/strategies.js';

/** A target that counts how often a strategy reads its load, to show how much of the list a pick looks at. */
class Target extends BalancedTarget {
  reads = 0;
  constructor(
    readonly name: string,
    readonly weight = 1,
    readonly priority = 0,
  ) {
    super();
  }
  override get inFlight(): number {
    this.reads++;
    return super.inFlight;
  }
}

function targets(n: number, weight: (i: number) => number = () => 1): Target[] {
  return Array.from({ length: n }, (_, i) => new Target(`t${i}`, weight(i)));
}

function strategyOver(kind: StrategyKind, list: Target[]) {
  const strategy = createStrategy<Target>(kind);
  followLoad(list, strategy);
  return strategy;
}

/** A small deterministic generator, so a failure names a sequence that can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('IndexedHeap keeps the order of a sorted list through random key changes, and first() skips what it is told', () => {
  const next = random(7);
  const keys = new Map<number, number>();
  const items = Array.from({ length: 200 }, (_, i) => i);
  for (const i of items) keys.set(i, Math.floor(next() * 50));
  const before = (a: number, b: number) => keys.get(a)! < keys.get(b)! || (keys.get(a) === keys.get(b) && a < b);
  const heap = new IndexedHeap(before, items);
  const sorted = () => [...items].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  for (let round = 0; round < 2_000; round++) {
    const item = Math.floor(next() * items.length);
    keys.set(item, Math.floor(next() * 50));
    heap.update(item);
    const order = sorted();
    assert.equal(heap.first(), order[0], `round ${round}`);
    const skipped = new Set(order.slice(0, 1 + Math.floor(next() * 5)));
    assert.equal(heap.first((i) => skipped.has(i)), order[skipped.size], `round ${round}, skipping ${skipped.size}`);
  }
  assert.equal(heap.first(() => true), undefined);
  heap.update(9_999); // not in the heap: ignored
  assert.equal(heap.size, 200);
});

test('least_loaded picks a target with the fewest in flight, whatever has started and finished', () => {
  const list = targets(50);
  const strategy = strategyOver('least_loaded', list);
  const next = random(11);
  const running: Target[] = [];
  for (let i = 0; i < 5_000; i++) {
    if (running.length && next() < 0.45) running.splice(Math.floor(next() * running.length), 1)[0]!.finished();
    const chosen = strategy.pick(list)!;
    const fewest = Math.min(...list.map((t) => t.inFlight));
    assert.equal(chosen.inFlight, fewest, `pick ${i}: ${chosen.name} has ${chosen.inFlight} in flight, the least is ${fewest}`);
    chosen.started();
    running.push(chosen);
  }
});

test('least_loaded gives idle targets turns, and a retry skips those already tried', () => {
  const list = targets(5);
  const strategy = strategyOver('least_loaded', list);
  const firstRound = Array.from({ length: 5 }, () => strategy.pick(list)!.name);
  assert.equal(new Set(firstRound).size, 5, `each idle target once in five picks: ${firstRound}`);
  const secondRound = Array.from({ length: 5 }, () => strategy.pick(list)!.name);
  assert.deepEqual(secondRound, firstRound, 'then again in the same turn');
  const tried = new Set(list.slice(0, 4));
  assert.equal(strategy.pick(list, tried), list[4]);
  assert.equal(strategy.pick(list, new Set(list)), undefined);
});

test('weighted gives each target its share in every span of the total weight, evenly spread', () => {
  const list = [new Target('a', 5), new Target('b', 3), new Target('c', 2)];
  const strategy = strategyOver('weighted', list);
  const seq = Array.from({ length: 100 }, () => strategy.pick(list)!.name).join('');
  for (let start = 0; start < 100; start += 10) {
    const span = seq.slice(start, start + 10);
    assert.deepEqual([...'abc'].map((n) => span.split(n).length - 1), [5, 3, 2], `span ${start}: ${span}`);
  }
  assert.ok(!seq.includes('aaa') && !seq.includes('bb') && !seq.includes('cc'), seq);
  // Fractional weights, as servers.json's loads are.
  const loads = [new Target('a', 0.5), new Target('b', 0.3), new Target('c', 0.2)];
  const byLoad = strategyOver('weighted', loads);
  const counts = { a: 0, b: 0, c: 0 } as Record<string, number>;
  for (let i = 0; i < 1_000; i++) counts[byLoad.pick(loads)!.name]!++;
  assert.deepEqual(counts, { a: 500, b: 300, c: 200 });
});

test('weighted: a target back from an ejection takes its share from now on, with no burst to catch up', () => {
  const [a, b, c] = [new Target('a'), new Target('b'), new Target('c')];
  const all = [a!, b!, c!];
  const strategy = strategyOver('weighted', all);
  const withoutC = [a!, b!];
  for (let i = 0; i < 1_000; i++) strategy.pick(withoutC);
  const after = Array.from({ length: 30 }, () => strategy.pick(all)!.name).join('');
  assert.ok(!after.includes('cc'), `c came back in a burst: ${after}`);
  assert.equal(after.split('c').length - 1, 10, after);
  // A retry that excludes the one due next takes the one due after it.
  assert.notEqual(strategy.pick(all, new Set([a!])), a);
});

test('round_robin: a retry skips those tried, looking at no more than it must', () => {
  const list = targets(4);
  const strategy = strategyOver('round_robin', list);
  assert.deepEqual(Array.from({ length: 8 }, () => strategy.pick(list)!.name), ['t0', 't1', 't2', 't3', 't0', 't1', 't2', 't3']);
  assert.equal(strategy.pick(list, new Set([list[0]!, list[1]!])), list[2]);
  assert.equal(strategy.pick(list, new Set(list)), undefined);
});

test('a pick reads the load of O(log n) targets: 16 and 16,384 targets cost about the same', () => {
  const readsPerPick = (n: number) => {
    const list = targets(n);
    const strategy = strategyOver('least_loaded', list);
    strategy.pick(list); // builds the heap once, as on a change of health
    for (const t of list) t.reads = 0;
    const picks = 2_000;
    const running: Target[] = [];
    for (let i = 0; i < picks; i++) {
      const chosen = strategy.pick(list)!;
      chosen.started();
      running.push(chosen);
      if (running.length > 64) running.shift()!.finished();
    }
    return list.reduce((sum, t) => sum + t.reads, 0) / picks;
  };
  const small = readsPerPick(16);
  const large = readsPerPick(16_384);
  // A scan would read all 16,384 on each pick; a heap reads about 4 × log2(n).
  assert.ok(large < 150, `${large.toFixed(1)} reads per pick over 16,384 targets`);
  assert.ok(large < small * 6, `16 targets: ${small.toFixed(1)} reads per pick; 16,384: ${large.toFixed(1)}`);
});
