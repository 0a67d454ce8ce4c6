/**
 * A binary min-heap of keyed items (smallest by `less` on top), with lookup, update and removal
 * by key in O(log n): the active queue (by priority, then age) and the backoff queue (by
 * backoff expiry) are both this.
 */
export class Heap<T> {
  readonly #items: T[] = [];
  /** key → index in #items. Invariant: #index.get(keyOf(#items[i])) === i. */
  readonly #index = new Map<string, number>();
  readonly #keyOf: (item: T) => string;
  readonly #less: (a: T, b: T) => boolean;

  constructor(keyOf: (item: T) => string, less: (a: T, b: T) => boolean) {
    this.#keyOf = keyOf;
    this.#less = less;
  }

  get size(): number {
    return this.#items.length;
  }

  has(key: string): boolean {
    return this.#index.has(key);
  }

  get(key: string): T | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.#items[i];
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  /** Inserts `item`, or replaces the item with the same key and restores the order. */
  push(item: T): void {
    const key = this.#keyOf(item);
    const at = this.#index.get(key);
    if (at !== undefined) {
      this.#items[at] = item;
      this.#fix(at);
      return;
    }
    this.#items.push(item);
    this.#index.set(key, this.#items.length - 1);
    this.#up(this.#items.length - 1);
  }

  pop(): T | undefined {
    if (this.#items.length === 0) return undefined;
    const top = this.#items[0]!;
    this.#removeAt(0);
    return top;
  }

  delete(key: string): T | undefined {
    const at = this.#index.get(key);
    if (at === undefined) return undefined;
    const item = this.#items[at]!;
    this.#removeAt(at);
    return item;
  }

  /** The items in no particular order. */
  list(): readonly T[] {
    return this.#items;
  }

  #removeAt(i: number): void {
    const last = this.#items.length - 1;
    this.#index.delete(this.#keyOf(this.#items[i]!));
    if (i !== last) {
      this.#items[i] = this.#items[last]!;
      this.#index.set(this.#keyOf(this.#items[i]), i);
    }
    this.#items.pop();
    if (i < this.#items.length) this.#fix(i);
  }

  #fix(i: number): void {
    if (!this.#up(i)) this.#down(i);
  }

  #swap(i: number, j: number): void {
    const a = this.#items[i]!;
    const b = this.#items[j]!;
    this.#items[i] = b;
    this.#items[j] = a;
    this.#index.set(this.#keyOf(b), i);
    this.#index.set(this.#keyOf(a), j);
  }

  /** Moves item i up while it is less than its parent; returns whether it moved. */
  #up(i: number): boolean {
    const start = i;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(this.#items[i]!, this.#items[parent]!)) break;
      this.#swap(i, parent);
      i = parent;
    }
    return i !== start;
  }

  #down(i: number): void {
    const n = this.#items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < n && this.#less(this.#items[l]!, this.#items[smallest]!)) smallest = l;
      if (r < n && this.#less(this.#items[r]!, this.#items[smallest]!)) smallest = r;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }
}
