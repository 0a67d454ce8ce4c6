/**
 * Cooperative time slicing for loops that may never wait on I/O. A worker draining a queue
 * whose items resolve without I/O runs as one long chain of microtasks: timers and sockets
 * wait until it ends, and a leader whose renewal timer waits past its renew deadline loses
 * its lease. Such loops await `yieldIfBusy()` after each item.
 */

/** Continuous work after which a loop lets the event loop turn. */
const SLICE_MS = 10;

/** When the current slice began; a slice ends when the event loop reaches its check phase. */
let sliceStart = 0;
let turnPending = false;

function turned(): void {
  turnPending = false;
}

/**
 * Resolves at once while the process has been busy for less than 10 ms since the event loop
 * last turned, else after one turn (setImmediate), so timers and I/O due meanwhile run first.
 */
export function yieldIfBusy(): Promise<void> {
  const now = performance.now();
  if (!turnPending) {
    turnPending = true;
    sliceStart = now;
    setImmediate(turned);
    return Promise.resolve();
  }
  if (now - sliceStart < SLICE_MS) return Promise.resolve();
  return new Promise((resolve) => setImmediate(resolve));
}
