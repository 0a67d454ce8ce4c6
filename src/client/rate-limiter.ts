/**
 * Per-key retry delays for the work queue: each failure of a key doubles its next delay, from
 * `baseMs` up to `maxMs`; `forget` (after a success) starts the key over.
 */

export interface RateLimiter<K> {
  /** The delay before `key` may be retried; counts one more failure. */
  when(key: K): number;
  /** Clears the key's failure count. */
  forget(key: K): void;
  /** How many failures the key has had since it was last forgotten. */
  numRequeues(key: K): number;
}

/** Bounds of the per-key exponential delay. */
export interface ExponentialRateLimiterOptions {
  /** Delay after the first failure, ms. @default 5 */
  baseMs?: number;
  /** Largest delay, ms. @default 1000000 (1000 s) */
  maxMs?: number;
}

/** Per-key delay `baseMs · 2^failures`, capped at `maxMs`. */
export class ItemExponentialRateLimiter<K> implements RateLimiter<K> {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #failures = new Map<K, number>();

  constructor(opts: ExponentialRateLimiterOptions = {}) {
    this.#baseMs = opts.baseMs ?? 5;
    this.#maxMs = opts.maxMs ?? 1_000_000;
  }

  when(key: K): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    // Cap the exponent too, so 2 ** n never overflows to Infinity for a key that fails forever.
    return Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(failures, 62));
  }

  forget(key: K): void {
    this.#failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.#failures.get(key) ?? 0;
  }
}
