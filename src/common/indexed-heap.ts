/**
 * A binary min-heap of distinct items that remembers where each item sits,
 * so that an item whose key changed is moved in O(log n) rather than the
 * whole heap rebuilt. The order is `before`, read from the items' live
 * fields: whoever changes a field that `before` reads calls `update`.
 */
export class IndexedHeap<T> {
  private readonly items: T[];
  private readonly at = new Map<T, number>();

  constructor(
    private readonly before: (a: T, b: T) => boolean,
    items: Iterable<T>,
  ) {
    this.items = [...items];
    this.items.forEach((item, i) => this.at.set(item, i));
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  get size(): number {
    return this.items.length;
  }

  has(item: T): boolean {
    return this.at.has(item);
  }

  /**
   * The first item in heap order that `skip` does not refuse. Best-first
   * over the tree: with k items skipped it visits at most 2k + 1 nodes,
   * whatever the heap's size, so a retry that excludes the few backends
   * already tried stays cheap.
   */
  first(skip?: (item: T) => boolean): T | undefined {
    const root = this.items[0];
    if (root === undefined || !skip?.(root)) return root;
    const frontier = [1, 2];
    while (frontier.length) {
      let best = -1;
      for (let f = 0; f < frontier.length; f++) {
        const i = frontier[f]!;
        if (i < this.items.length && (best < 0 || this.before(this.items[i]!, this.items[frontier[best]!]!))) best = f;
      }
      if (best < 0) return undefined;
      const i = frontier[best]!;
      frontier.splice(best, 1);
      const item = this.items[i]!;
      if (!skip(item)) return item;
      frontier.push(2 * i + 1, 2 * i + 2);
    }
    return undefined;
  }

  /** Restores the order after `item`'s key changed; items not in the heap are ignored. */
  update(item: T): void {
    const i = this.at.get(item);
    if (i === undefined) return;
    if (this.up(i) === i) this.down(i);
  }

  private up(i: number): number {
    const item = this.items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(item, this.items[parent]!)) break;
      this.place(this.items[parent]!, i);
      i = parent;
    }
    this.place(item, i);
    return i;
  }

  private down(i: number): void {
    const item = this.items[i]!;
    const n = this.items.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(this.items[right]!, this.items[left]!) ? right : left;
      if (!this.before(this.items[child]!, item)) break;
      this.place(this.items[child]!, i);
      i = child;
    }
    this.place(item, i);
  }

  private place(item: T, i: number): void {
    this.items[i] = item;
    this.at.set(item, i);
  }
}
