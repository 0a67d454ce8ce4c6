/**
 * The in-memory event log: every change since the compaction point, in revision order, for
 * watches that start in the past or fall behind.
 */
import type { WatchEvent } from '../storage.ts';

export class EventLog {
  #events: WatchEvent[] = [];

  /** Appends an event; its revision is above every logged one. */
  append(event: WatchEvent): void {
    this.#events.push(event);
  }

  /** Events under `prefix` with `after < revision <= upTo`, oldest first, at most `limit`. */
  read(prefix: string, after: number, upTo: number, limit: number): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (let i = this.#firstAfter(after); i < this.#events.length && out.length < limit; i++) {
      const event = this.#events[i]!;
      if (event.kv.modRevision > upTo) break;
      if (event.kv.key.startsWith(prefix)) out.push(event);
    }
    return out;
  }

  /** Drops the events at or below `revision` (no watch may start before it any more). */
  compact(revision: number): void {
    this.#events = this.#events.slice(this.#firstAfter(revision));
  }

  /** The index of the first event with a revision above `revision`. */
  #firstAfter(revision: number): number {
    let lo = 0;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#events[mid]!.kv.modRevision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
