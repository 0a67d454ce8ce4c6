/**
 * The embedded backend for single-node clusters: the store's history in one SQLite file
 * (node:sqlite, no native addon), kine-style. The parts:
 * - schema.ts: the one-table revision log, and durability (WAL, synchronous=NORMAL);
 * - revision-log.ts and write-batcher.ts: writes as appended rows, group-committed;
 * - revision-reader.ts: reads at a revision, in one snapshot each;
 * - poller.ts: the single poll loop feeding every watch through the shared watch hub;
 * - compactor.ts: compaction.
 *
 * Several processes may open the same file: writes serialize on SQLite's write lock (a busy
 * writer waits up to `busyTimeoutMs`, blocking its process meanwhile), and each process's poller
 * sees the others' writes within `pollIntervalMs`. node:sqlite is synchronous, so every read
 * runs to completion on the event loop; that suits a single-node store, not a big one.
 */
import type { DatabaseSync } from 'node:sqlite';
import { checkKey, checkLimit, checkPrefix, checkRevision, checkValue, readRevision } from '../common/arguments.ts';
import { WatchHub } from '../common/watch-hub.ts';
import { StorageClosedError, StorageError, StorageUnavailableError } from '../errors.ts';
import type { GetOptions, GetResult, ListOptions, ListResult, Storage, WatchEvent, WriteResult } from '../storage.ts';
import { Compactor } from './compactor.ts';
import { Poller } from './poller.ts';
import { RevisionLog, type AppliedBatch } from './revision-log.ts';
import { RevisionReader } from './revision-reader.ts';
import { openDatabase } from './schema.ts';
import { WriteBatcher } from './write-batcher.ts';

/** Revisions cleaned per compaction step (a few milliseconds of work each). */
const compactionStep = 5_000;

/** Where a SqliteStorage keeps its file, and its tuning. */
export interface SqliteStorageOptions {
  /** The database file; created with its parent directories if missing. */
  readonly path: string;
  /** How often watches look for writes made by other processes (ms). Default 1000. */
  readonly pollIntervalMs?: number;
  /** How long a write waits for another process's write lock before failing (ms). Default 5000. */
  readonly busyTimeoutMs?: number;
  /** A live watch holding more undelivered events than this reads them from the file instead. Default 10,000. */
  readonly maxQueuedEvents?: number;
}

/** A Storage in a SQLite file; see the module comment. */
export class SqliteStorage implements Storage {
  readonly #db: DatabaseSync;
  readonly #reader: RevisionReader;
  readonly #writer: WriteBatcher;
  readonly #hub: WatchHub;
  readonly #poller: Poller;
  readonly #compactor: Compactor;
  #closed = false;

  /** Opens (or creates) the store in `opts.path`. */
  constructor(opts: SqliteStorageOptions) {
    this.#db = openDatabase(opts.path, { busyTimeoutMs: opts.busyTimeoutMs ?? 5_000 });
    this.#reader = new RevisionReader(this.#db);
    let poller: Poller | undefined;
    this.#hub = new WatchHub(
      { readEvents: (prefix, after, upTo, limit) => this.#guard(() => this.#reader.eventsUnder(prefix, after, upTo, limit)) },
      {
        position: this.#reader.revisions().current,
        ...(opts.maxQueuedEvents !== undefined ? { maxQueuedEvents: opts.maxQueuedEvents } : {}),
        onWatchCountChange: (count) => poller?.watchCountChanged(count),
      },
    );
    this.#poller = poller = new Poller(this.#reader, this.#hub, { intervalMs: opts.pollIntervalMs ?? 1_000, maxRowsPerPoll: 1_000 });
    this.#writer = new WriteBatcher(new RevisionLog(this.#db), {
      maxBatch: 500,
      onCommit: (batch) => this.#committed(batch),
      mapError: (err) => toStorageError(err),
    });
    this.#compactor = new Compactor(this.#db, this.#reader);
  }

  async get(key: string, opts?: GetOptions): Promise<GetResult> {
    this.#checkOpen();
    checkKey(key);
    const revision = readRevision(opts?.revision);
    return this.#guard(() => this.#reader.get(key, revision));
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.#checkOpen();
    checkPrefix(prefix);
    checkLimit(opts?.limit);
    if (opts?.startKey !== undefined) checkPrefix(opts.startKey);
    const revision = readRevision(opts?.revision);
    return this.#guard(() => this.#reader.list(prefix, opts?.startKey, revision, opts?.limit));
  }

  async create(key: string, value: Uint8Array): Promise<WriteResult> {
    this.#checkOpen();
    checkKey(key);
    checkValue(value);
    return this.#writer.submit({ kind: 'create', key, value: new Uint8Array(value) });
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult> {
    this.#checkOpen();
    checkKey(key);
    checkValue(value);
    checkRevision(expectedModRevision, true);
    return this.#writer.submit({ kind: 'update', key, value: new Uint8Array(value), expected: expectedModRevision });
  }

  async delete(key: string, expectedModRevision?: number): Promise<WriteResult> {
    this.#checkOpen();
    checkKey(key);
    if (expectedModRevision !== undefined) checkRevision(expectedModRevision, true);
    return this.#writer.submit({ kind: 'delete', key, expected: expectedModRevision });
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent[]> {
    return this.#hub.watch(prefix, afterRevision, signal);
  }

  async currentRevision(): Promise<number> {
    this.#checkOpen();
    return this.#guard(() => this.#reader.revisions().current);
  }

  async compact(revision: number): Promise<void> {
    this.#checkOpen();
    checkRevision(revision, false);
    const { from, to } = this.#guard(() => {
      // Publish every row first: no local watch may be owed rows the compaction deletes.
      this.#poller.drain();
      return this.#compactor.record(revision);
    });
    for (let lo = from; lo < to; lo += compactionStep) {
      // Other work runs between steps; reads below the new point are already refused.
      if (lo > from) await new Promise<void>((resolve) => setImmediate(resolve));
      this.#guard(() => this.#compactor.clean(lo, Math.min(lo + compactionStep, to)));
    }
  }

  async compactRevision(): Promise<number> {
    this.#checkOpen();
    return this.#guard(() => this.#reader.revisions().compacted);
  }

  async health(): Promise<string | undefined> {
    if (this.#closed) return 'storage is closed';
    try {
      this.#reader.revisions();
      return undefined;
    } catch (err) {
      return `sqlite: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#writer.close();
    this.#poller.stop();
    this.#hub.close();
    this.#db.close();
  }

  /**
   * Feeds a local commit to the watches. When its rows directly follow what the hub has
   * published (no other process wrote in between), the batch's own events are exactly those rows
   * and go out at once, without reading them back; otherwise the poller reads the file in order.
   */
  #committed(batch: AppliedBatch): void {
    if (batch.before === this.#hub.position || this.#hub.watchCount === 0) this.#hub.publish(batch.events, batch.revision);
    else this.#poller.wake();
  }

  #checkOpen(): void {
    if (this.#closed) throw new StorageClosedError();
  }

  /** Runs a synchronous database step, turning driver failures into storage errors. */
  #guard<T>(fn: () => T): T {
    if (this.#closed) throw new StorageClosedError();
    try {
      return fn();
    } catch (err) {
      throw toStorageError(err);
    }
  }
}

/**
 * Storage errors and argument errors pass through; a failure of SQLite itself (the file is
 * locked by another process beyond the busy timeout, the disk is full, an I/O error) becomes
 * StorageUnavailableError, which callers may retry.
 */
function toStorageError(err: unknown): unknown {
  if (err instanceof StorageError || err instanceof RangeError || err instanceof TypeError) return err;
  return new StorageUnavailableError(`sqlite: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
