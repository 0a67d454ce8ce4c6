/**
 * Cooperative time slicing for loops that may never wait on I/O. A worker draining a queue
 * whose items resolve without I/O runs as one long chain of microtasks: timers and sockets
 * wait until it ends, and a leader whose renewal timer waits past its renew deadline loses
 * its lease. Such loops await `yieldIfBusy()` before each item.
 */

/** Continuous work after which loops let the event loop turn. */
const SLICE_MS = 10;

/**
 * A slicer: a function that resolves at once while less than `sliceMs` has passed since the
 * event loop last turned (as far as the slicer has seen), and otherwise only after the event
 * loop has turned (a `setImmediate`), so that timers and I/O due meanwhile run first. All the
 * loops of a process must share one slicer: they share one event loop. When several loops wait,
 * the first to resume after a turn starts the next slice and the others resume only while it
 * lasts, so between two turns at most one slice of work (plus the item that crosses its end)
 * runs. `now` is injectable for tests.
 */
export function timeSlicer(now: () => number = () => performance.now(), sliceMs = SLICE_MS): () => Promise<void> {
  let sliceStart = 0;
  /** A `setImmediate` is pending that marks the event loop's next turn. */
  let turnPending = false;
  const turned = (): void => {
    turnPending = false;
  };
  /** Whether work may go on now; starts a slice when the event loop has turned since the last. */
  const mayContinue = (): boolean => {
    const t = now();
    if (!turnPending) {
      sliceStart = t;
      turnPending = true;
      setImmediate(turned);
      return true;
    }
    return t - sliceStart < sliceMs;
  };
  return () => {
    if (mayContinue()) return Promise.resolve();
    return new Promise((resolve) => {
      const resume = (): void => {
        if (mayContinue()) resolve();
        else setImmediate(resume);
      };
      setImmediate(resume);
    });
  };
}

/** The process's slicer (see `timeSlicer`), with a 10 ms slice. */
export const yieldIfBusy: () => Promise<void> = timeSlicer();
