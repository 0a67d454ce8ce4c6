/**
 * A Clock whose time moves only when a test calls `advance`. Timers fire in due order, and after
 * each firing the event loop gets a turn so that the code woken by the timer runs to its next
 * await before the next timer fires. Exported for the tests of every component built on client/.
 */
import type { Clock } from '../clock.ts';
import { abortReason } from '../clock.ts';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

/** Lets pending promise continuations (and immediates queued before this one) run. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A Clock moved by hand; see the file comment. */
export class FakeClock implements Clock {
  #now = 0;
  readonly #wallOrigin: number;
  #seq = 0;
  /** Pending timers; kept sorted by (at, seq) so firing order is deterministic. */
  #timers: Timer[] = [];

  /** @param wallOrigin the wall-clock time at monotonic 0. @default 2025-01-01T00:00:00Z */
  constructor(wallOrigin: Date = new Date('2025-01-01T00:00:00Z')) {
    this.#wallOrigin = wallOrigin.getTime();
  }

  now(): number {
    return this.#now;
  }

  wallNow(): Date {
    return new Date(this.#wallOrigin + this.#now);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        if (signal !== undefined) reject(abortReason(signal));
      };
      const timer: Timer = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    });
  }

  /** How many sleeps are pending. */
  pendingTimers(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way (timers created by
   * woken code fire too if they are due within the window).
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.#timers[0];
      if (next === undefined || next.at > target) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.fire();
      await flushMicrotasks();
    }
    this.#now = target;
    await flushMicrotasks();
  }
}
