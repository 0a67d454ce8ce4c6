/**
 * The one poller of a SQLite store: it reads the rows committed after the last one the watch
 * hub published and hands them to the hub, which fans them out by prefix. It polls every
 * `intervalMs`, which is how writes of another process sharing the file reach this process's
 * watches. A local commit normally bypasses it (its events go to the hub directly, see
 * SqliteStorage); one that follows unpublished rows of another process wakes it at once, so the
 * rows go out in order within a turn of the event loop.
 *
 * Since SQLite has one writer at a time and a reader sees a prefix of the commits, rows become
 * visible in id order: "every row after the last published id" never skips a row that commits
 * later. The only rows that can vanish unseen are those another process compacts away before
 * this poller read them; the live watches owed them then end with CompactedError.
 *
 * While no watch runs, a poll just moves the hub's position to the current revision (nobody
 * needs the rows; a watch that starts later reads its history itself), and the interval timer is
 * unreferenced so it never keeps the process alive on its own.
 */
import { StorageUnavailableError } from '../errors.ts';
import type { WatchHub } from '../common/watch-hub.ts';
import type { RevisionReader } from './revision-reader.ts';

export interface PollerOptions {
  /** Time between polls when nothing wakes the poller (ms). */
  readonly intervalMs: number;
  /** Most rows read by one poll; more are read in the next turn, so a backlog does not block the event loop. */
  readonly maxRowsPerPoll: number;
}

export class Poller {
  readonly #reader: RevisionReader;
  readonly #hub: WatchHub;
  readonly #maxRows: number;
  readonly #interval: NodeJS.Timeout;
  #scheduled: NodeJS.Immediate | undefined;
  #stopped = false;

  constructor(reader: RevisionReader, hub: WatchHub, opts: PollerOptions) {
    this.#reader = reader;
    this.#hub = hub;
    this.#maxRows = opts.maxRowsPerPoll;
    this.#interval = setInterval(() => this.wake(), opts.intervalMs);
    this.#interval.unref();
  }

  /** Polls at the end of this turn of the event loop (a local write committed). */
  wake(): void {
    if (this.#stopped) return;
    this.#scheduled ??= setImmediate(() => {
      this.#scheduled = undefined;
      if (this.#pollOnce()) this.wake();
    });
  }

  /**
   * Publishes every committed row, synchronously. Compaction calls it first, so no local watch
   * is ever owed rows that the compaction deletes. It terminates: nothing can commit while it
   * runs (this process is busy, and a poll reads a snapshot bounded by its current revision).
   */
  drain(): void {
    while (this.#pollOnce()) {
      // each pass publishes up to maxRowsPerPoll rows and moves the position past them
    }
  }

  /** Keeps the interval timer referenced exactly while watches run. */
  watchCountChanged(count: number): void {
    if (count > 0) this.#interval.ref();
    else this.#interval.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#interval);
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
  }

  /** One poll; true when rows remain beyond what it read. */
  #pollOnce(): boolean {
    if (this.#stopped) return false;
    try {
      return this.#reader.snapshot(() => {
        const { current, compacted } = this.#reader.revisions();
        if (this.#hub.watchCount === 0) {
          this.#hub.publish([], current);
          return false;
        }
        this.#hub.compactedAhead(compacted);
        const events = this.#reader.changes(this.#hub.position, current, this.#maxRows);
        const more = events.length === this.#maxRows;
        this.#hub.publish(events, more ? events.at(-1)!.kv.modRevision : current);
        return more;
      });
    } catch (err) {
      // The live watches would otherwise stall silently; ending them lets their owners retry.
      this.#hub.failLive(new StorageUnavailableError(`sqlite watch poll failed: ${String(err)}`, { cause: err }));
      return false;
    }
  }
}
