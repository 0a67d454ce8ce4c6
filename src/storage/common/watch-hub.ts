/**
 * The watch machinery of the local backends (memory and SQLite): one hub per store fans changes
 * out to every watch, and each watch reads what it missed from the store's history.
 *
 * A watch is in one of two states, as in etcd's watchable store:
 * - catching up: it reads the history after the last revision it delivered, in chunks, up to the
 *   hub's position (everything the hub has published). The chunk that reaches the position
 *   switches it to "live" in the same synchronous step, so nothing falls between history and
 *   live delivery.
 * - live: the hub appends every published event under its prefix to its queue.
 * A live watch whose consumer lets its queue grow past `maxQueuedEvents` drops the queue and goes
 * back to catching up from its last delivered revision, so a slow consumer costs bounded memory;
 * if compaction removed that history meanwhile, the watch ends with CompactedError.
 *
 * Every step that touches the hub's state is synchronous (both backends read their history
 * synchronously), which is what makes these hand-overs free of races.
 */
import { CompactedError, StorageClosedError } from '../errors.ts';
import type { WatchEvent } from '../storage.ts';
import { checkPrefix, checkRevision } from './arguments.ts';

/** Where a watch reads the history it missed. */
export interface WatchHistory {
  /**
   * The events under `prefix` with `after < revision <= upTo`, oldest first, at most `limit`
   * of them (fewer only when the range holds fewer). Throws CompactedError when `after` is below
   * the compaction point, StorageClosedError when the store is closed.
   */
  readEvents(prefix: string, after: number, upTo: number, limit: number): WatchEvent[];
}

export interface WatchHubOptions {
  /** Every event at or below this revision has already happened (the store's revision at start). */
  readonly position: number;
  /** A live watch holding more undelivered events than this falls back to reading history. Default 10,000. */
  readonly maxQueuedEvents?: number;
  /** Events per history read while catching up. Default 1,000. */
  readonly catchUpChunk?: number;
  /** Told whenever the number of running watches changes (the SQLite poller polls only while some run). */
  readonly onWatchCountChange?: (count: number) => void;
}

interface Subscriber {
  readonly prefix: string;
  /** Events at or below this revision are never delivered (the watch's `afterRevision`). */
  readonly floor: number;
  live: boolean;
  queue: WatchEvent[];
  failure: Error | undefined;
  wake: (() => void) | undefined;
}

/** Fans a store's changes out to its watches; see the module comment. */
export class WatchHub {
  readonly #history: WatchHistory;
  readonly #maxQueued: number;
  readonly #chunk: number;
  readonly #onCountChange: (count: number) => void;
  readonly #subscribers = new Set<Subscriber>();
  #position: number;
  #closed = false;

  constructor(history: WatchHistory, opts: WatchHubOptions) {
    this.#history = history;
    this.#position = opts.position;
    this.#maxQueued = opts.maxQueuedEvents ?? 10_000;
    this.#chunk = opts.catchUpChunk ?? 1_000;
    this.#onCountChange = opts.onWatchCountChange ?? (() => undefined);
  }

  /** The revision up to which every event has been published. */
  get position(): number {
    return this.#position;
  }

  /** How many watches are running. */
  get watchCount(): number {
    return this.#subscribers.size;
  }

  /**
   * Publishes `events` (in revision order, all above the current position) and moves the
   * position to `position` (at least the last event's revision: revisions without an event,
   * such as compacted ones, are skipped over this way).
   */
  publish(events: readonly WatchEvent[], position: number): void {
    if (events.length > 0) {
      for (const sub of this.#subscribers) {
        if (!sub.live || sub.failure !== undefined) continue;
        let added = false;
        for (const event of events) {
          if (event.kv.modRevision > sub.floor && event.kv.key.startsWith(sub.prefix)) {
            sub.queue.push(event);
            added = true;
          }
        }
        if (sub.queue.length > this.#maxQueued) {
          sub.queue = [];
          sub.live = false;
        }
        if (added) sub.wake?.();
      }
    }
    this.#position = Math.max(this.#position, position);
  }

  /**
   * History up to `compactRevision` was compacted before the hub published it (another process
   * compacted the file): every live watch still owed events at or below that revision ends with
   * CompactedError, and the position moves up to it.
   */
  compactedAhead(compactRevision: number): void {
    if (compactRevision <= this.#position) return;
    const error = new CompactedError(this.#position, compactRevision);
    for (const sub of this.#subscribers) {
      if (sub.live && sub.floor < compactRevision) this.#fail(sub, error);
    }
    this.#position = compactRevision;
  }

  /** Ends every live watch with `error` (the hub can no longer feed them). */
  failLive(error: Error): void {
    for (const sub of this.#subscribers) if (sub.live) this.#fail(sub, error);
  }

  /** Ends every watch with StorageClosedError; later watches fail the same way. */
  close(): void {
    this.#closed = true;
    for (const sub of this.#subscribers) this.#fail(sub, new StorageClosedError());
  }

  #fail(sub: Subscriber, error: Error): void {
    sub.failure ??= error;
    sub.wake?.();
  }

  /** A watch as Storage.watch describes it. */
  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent[]> {
    checkPrefix(prefix);
    checkRevision(afterRevision, true);
    return this.#run(prefix, afterRevision, signal);
  }

  async *#run(prefix: string, afterRevision: number, signal: AbortSignal): AsyncGenerator<WatchEvent[]> {
    if (this.#closed) throw new StorageClosedError();
    if (signal.aborted) return;
    const sub: Subscriber = { prefix, floor: afterRevision, live: false, queue: [], failure: undefined, wake: undefined };
    const onAbort = (): void => sub.wake?.();
    signal.addEventListener('abort', onAbort);
    this.#subscribers.add(sub);
    this.#onCountChange(this.#subscribers.size);
    /** The last revision this watch has delivered (or skipped, having nothing under its prefix). */
    let delivered = afterRevision;
    try {
      for (;;) {
        if (signal.aborted) return;
        if (sub.failure !== undefined) throw sub.failure;
        if (!sub.live) {
          const upTo = this.#position;
          const events = this.#history.readEvents(prefix, delivered, upTo, this.#chunk);
          const last = events.at(-1);
          if (events.length < this.#chunk) {
            sub.live = true;
            delivered = Math.max(delivered, upTo);
          } else if (last !== undefined) {
            delivered = last.kv.modRevision;
          }
          if (events.length > 0) yield events;
          continue;
        }
        if (sub.queue.length === 0) {
          await new Promise<void>((resolve) => {
            sub.wake = resolve;
          });
          sub.wake = undefined;
          continue;
        }
        const batch = sub.queue;
        sub.queue = [];
        delivered = batch.at(-1)!.kv.modRevision;
        yield batch;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.#subscribers.delete(sub);
      this.#onCountChange(this.#subscribers.size);
    }
  }
}
