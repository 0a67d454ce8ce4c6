/**
 * The controller work queue (after client-go's workqueue): a FIFO of keys with de-duplication,
 * delays and per-key rate-limited retries.
 *
 * The invariant that makes controllers safe: a key is never handed to two workers at once. A
 * key added while a worker holds it is remembered (dirty) and queued again only when the worker
 * calls `done`, so the latest state is always processed once more, by one worker.
 *
 * Calling contract: every key returned by `get` must be passed to `done` exactly once.
 */
import type { Clock } from './clock.ts';
import { Fifo } from './fifo.ts';
import { realClock } from './clock.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { ItemExponentialRateLimiter } from './rate-limiter.ts';

/** Clock and retry pacing of a WorkQueue. */
export interface WorkQueueOptions<K> {
  /** @default realClock */
  clock?: Clock;
  /** @default new ItemExponentialRateLimiter() (5 ms doubling to 1000 s) */
  rateLimiter?: RateLimiter<K>;
}

/** Keys waiting for workers; see the file comment for the invariant and the calling contract. */
export class WorkQueue<K = string> {
  readonly #clock: Clock;
  readonly #rateLimiter: RateLimiter<K>;
  /** Keys waiting for a worker, oldest first. Invariant: each is also in #dirty and never in #processing. */
  readonly #queue = new Fifo<K>();
  /** Keys that need processing: every queued key, plus held keys added again since `get`. */
  readonly #dirty = new Set<K>();
  /** Keys held by a worker (between `get` and `done`). */
  readonly #processing = new Set<K>();
  /** `get` calls waiting for a key, oldest first. Non-empty only while #queue is empty. */
  readonly #waiters: ((key: K | undefined) => void)[] = [];
  /** Pending `addAfter` timers by key; only the earliest per key is kept. */
  readonly #delayed = new Map<K, { at: number; cancel: AbortController }>();
  #shuttingDown = false;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.#clock = opts.clock ?? realClock;
    this.#rateLimiter = opts.rateLimiter ?? new ItemExponentialRateLimiter<K>();
  }

  /** Queues `key` unless it is already waiting; a held key is queued again after its `done`. Ignored after shutdown. */
  add(key: K): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      this.#dirty.delete(key);
      this.#processing.add(key);
      waiter(key);
      return;
    }
    this.#queue.push(key);
  }

  /** Keys waiting for a worker. */
  get length(): number {
    return this.#queue.length;
  }

  /**
   * The next key, waiting for one if none is queued; the caller holds it until `done`.
   * Resolves undefined once the queue shuts down (queued keys are then dropped).
   */
  get(): Promise<K | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#dirty.delete(key);
      this.#processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Releases a key taken with `get`; re-queues it if it was added meanwhile. */
  done(key: K): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key)) {
      this.#dirty.delete(key);
      this.add(key);
    }
  }

  /** Queues `key` after `delayMs` (at once if ≤ 0). Of several pending delays for a key, the earliest wins. */
  addAfter(key: K, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = this.#clock.now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending !== undefined) {
      if (pending.at <= at) return;
      pending.cancel.abort();
    }
    const cancel = new AbortController();
    this.#delayed.set(key, { at, cancel });
    this.#clock.sleep(delayMs, cancel.signal).then(
      () => {
        this.#delayed.delete(key);
        this.add(key);
      },
      () => undefined,
    );
  }

  /** Queues `key` after its rate limiter's delay (one more failure for the key). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.#rateLimiter.when(key));
  }

  /** Forgets the key's failures (call after it was processed successfully). */
  forget(key: K): void {
    this.#rateLimiter.forget(key);
  }

  /** How many times the key was retried since last forgotten. */
  numRequeues(key: K): number {
    return this.#rateLimiter.numRequeues(key);
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Stops the queue: waiting and future `get` calls resolve undefined; adds are ignored; delays are cancelled. */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
    for (const { cancel } of this.#delayed.values()) cancel.abort();
    this.#delayed.clear();
  }
}
