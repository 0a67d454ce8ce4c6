/**
 * Exponential backoff for retry loops (reflector reconnects, leader-election retries): each
 * `next()` doubles the delay up to `maxMs`; `reset()` starts over after a success.
 */

export interface BackoffOptions {
  /** First delay, ms. @default 200 */
  initialMs?: number;
  /** Largest delay, ms. @default 30000 */
  maxMs?: number;
  /**
   * Each delay is multiplied by a random factor in [1 - jitter, 1], so that many clients that
   * failed together (an apiserver restart) do not retry together. @default 0.2
   */
  jitter?: number;
  /** @default Math.random */
  random?: () => number;
}

/** A doubling delay with jitter; one instance per retry loop. */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(opts: BackoffOptions = {}) {
    this.#initialMs = opts.initialMs ?? 200;
    this.#maxMs = opts.maxMs ?? 30_000;
    this.#jitter = opts.jitter ?? 0.2;
    this.#random = opts.random ?? Math.random;
  }

  /** The delay before the next retry. */
  next(): number {
    const base = Math.min(this.#maxMs, this.#initialMs * 2 ** Math.min(this.#attempt, 40));
    this.#attempt++;
    return base * (1 - this.#jitter * this.#random());
  }

  reset(): void {
    this.#attempt = 0;
  }
}
