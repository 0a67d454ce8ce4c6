/**
 * Time as the client machinery sees it. Everything time-dependent in client/ (work-queue delays,
 * informer backoff, leader-election deadlines) takes a Clock so that tests drive time by hand
 * (see testing/fake-clock.ts) instead of sleeping.
 */

export interface Clock {
  /**
   * Monotonic milliseconds (like `performance.now()`): never jumps with wall-clock changes, so
   * deadlines such as a leader's renew deadline are measured with it.
   */
  now(): number;
  /** The wall-clock time, for timestamps written into objects (Lease renewTime, …). */
  wallNow(): Date;
  /**
   * Resolves after `ms` milliseconds. Rejects with `signal.reason` when `signal` aborts first
   * (at once if it already has).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The reason an aborted signal carries, as an Error (it is one unless a caller passed a non-Error). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`);
}

/** The real clock: `performance.now()`, `new Date()` and timers. */
export const realClock: Clock = {
  now: () => performance.now(),
  wallNow: () => new Date(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        if (signal !== undefined) reject(abortReason(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

/**
 * Sleeps like `clock.sleep` but resolves `false` instead of rejecting when `signal` aborts, so
 * loops can write `while (await pause(clock, ms, signal))`.
 */
export async function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await clock.sleep(ms, signal);
    return true;
  } catch (err) {
    if (signal.aborted) return false;
    throw err;
  }
}
