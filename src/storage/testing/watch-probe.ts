/**
 * A test handle on one Storage.watch: it pulls batches on demand and waits for a condition with
 * a deadline, so tests never sleep and never hang. The deadline only bounds a wait that should
 * end much sooner; no assertion depends on how long anything took.
 */
import assert from 'node:assert/strict';
import type { Storage, WatchEvent } from '../storage.ts';

/** How long a probe waits for something that should happen (generous: CI machines stall). */
export const defaultDeadlineMs = 15_000;

const timedOut = Symbol('timed out');

/** Resolves with `promise`'s value, or with `timedOut` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<typeof timedOut>((resolve) => {
        timer = setTimeout(() => resolve(timedOut), Math.max(ms, 0));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One running watch; see the module comment. Call `stop()` when done. */
export class WatchProbe {
  /** Every event received so far, in order. */
  readonly events: WatchEvent[] = [];
  readonly #controller = new AbortController();
  readonly #iterator: AsyncIterator<WatchEvent[]>;
  #next: Promise<IteratorResult<WatchEvent[]>> | undefined;
  #ended = false;

  /** Starts watching `prefix` after `afterRevision` (the first batch is requested at once). */
  constructor(storage: Storage, prefix: string, afterRevision: number) {
    this.#iterator = storage.watch(prefix, afterRevision, this.#controller.signal)[Symbol.asyncIterator]();
    void this.#pull();
  }

  /** Receives batches until `done(events)` holds; fails the test if the watch ends or the deadline passes first. */
  async until(done: (events: readonly WatchEvent[]) => boolean, what: string, deadlineMs = defaultDeadlineMs): Promise<WatchEvent[]> {
    const deadline = Date.now() + deadlineMs;
    while (!done(this.events)) {
      const result = await within(this.#pull(), deadline - Date.now());
      if (result === timedOut) assert.fail(`watch: timed out waiting for ${what}; received ${describeEvents(this.events)}`);
      this.#next = undefined;
      if (result.done === true) {
        this.#ended = true;
        assert.fail(`watch ended while waiting for ${what}; received ${describeEvents(this.events)}`);
      }
      this.events.push(...result.value);
    }
    return this.events;
  }

  /** Receives until at least `count` events arrived in total. */
  async untilCount(count: number, deadlineMs = defaultDeadlineMs): Promise<WatchEvent[]> {
    return this.until((events) => events.length >= count, `${count} events`, deadlineMs);
  }

  /** Receives until an event for `key` arrived. */
  async untilKey(key: string, deadlineMs = defaultDeadlineMs): Promise<WatchEvent[]> {
    return this.until((events) => events.some((e) => e.kv.key === key), `an event for ${key}`, deadlineMs);
  }

  /**
   * Waits for the watch to end, collecting what it still delivers; resolves with the error it
   * ended with, or undefined when it ended normally.
   */
  async ended(deadlineMs = defaultDeadlineMs): Promise<unknown> {
    const deadline = Date.now() + deadlineMs;
    while (!this.#ended) {
      let result;
      try {
        result = await within(this.#pull(), deadline - Date.now());
      } catch (err) {
        this.#ended = true;
        return err;
      }
      if (result === timedOut) assert.fail(`watch: timed out waiting for it to end; received ${describeEvents(this.events)}`);
      this.#next = undefined;
      if (result.done === true) this.#ended = true;
      else this.events.push(...result.value);
    }
    return undefined;
  }

  /** Aborts the watch and waits for it to wind down (errors are ignored: the test is over with it). */
  async stop(): Promise<void> {
    this.#controller.abort();
    if (this.#ended) return;
    const pending = this.#next;
    if (pending !== undefined) await within(pending.then(() => undefined, () => undefined), defaultDeadlineMs);
    this.#ended = true;
    await within(Promise.resolve(this.#iterator.return?.()).catch(() => undefined), defaultDeadlineMs);
  }

  /** Aborts the watch's signal without waiting. */
  abort(): void {
    this.#controller.abort();
  }

  /** The outstanding next() of the iterator, requested if none is. */
  #pull(): Promise<IteratorResult<WatchEvent[]>> {
    if (this.#next === undefined) {
      this.#next = this.#iterator.next();
      // A rejection is observed by whoever awaits it later; do not report it as unhandled.
      this.#next.catch(() => undefined);
    }
    return this.#next;
  }
}

/** A short description of events, for failure messages. */
export function describeEvents(events: readonly WatchEvent[]): string {
  const shown = events.slice(-20).map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`);
  return `${events.length} events${events.length > 20 ? ' (last 20)' : ''}: [${shown.join(', ')}]`;
}
