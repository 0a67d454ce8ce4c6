/**
 * Writes to the revision log: every create, update and delete appends one row whose id is the
 * write's revision. A batch of writes runs in one `BEGIN IMMEDIATE` transaction, which takes
 * SQLite's single write lock before reading anything; each write reads its key's newest row and
 * checks its condition (absent for a create, live and at the expected revision for an update or
 * a guarded delete) under that lock, so a compare-and-swap is atomic even against other
 * processes writing the same file. A write whose check fails appends nothing and does not
 * disturb the others in its batch. A batch also reports the watch events of its changes, built
 * from what it read and wrote, so the store can publish them without reading them back.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { assertSafeRevision } from '../common/arguments.ts';
import { ConflictError, KeyExistsError, KeyNotFoundError, type StorageError } from '../errors.ts';
import type { KeyValue, WatchEvent, WriteResult } from '../storage.ts';
import { createRevisionOf, kvColumns, toKeyValue, type KvRow } from './rows.ts';

export type WriteOp =
  | { readonly kind: 'create'; readonly key: string; readonly value: Uint8Array }
  | { readonly kind: 'update'; readonly key: string; readonly value: Uint8Array; readonly expected: number }
  | { readonly kind: 'delete'; readonly key: string; readonly expected: number | undefined };

/** What became of one write of a batch: its result, or the error its check failed with. */
export type WriteOutcome = { readonly ok: true; readonly result: WriteResult } | { readonly ok: false; readonly error: StorageError };

/** A committed batch. */
export interface AppliedBatch {
  /** One outcome per write, in order. */
  readonly outcomes: WriteOutcome[];
  /** The store's revision before the batch: its rows are exactly those after it, up to `revision`. */
  readonly before: number;
  /** The store's revision after the batch. */
  readonly revision: number;
  /** The changes the batch made, as watch events, in revision order. */
  readonly events: WatchEvent[];
}

const noValue = new Uint8Array();

export class RevisionLog {
  readonly #db: DatabaseSync;
  readonly #begin: StatementSync;
  readonly #commit: StatementSync;
  readonly #latest: StatementSync;
  readonly #insert: StatementSync;
  readonly #sequence: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#begin = db.prepare('BEGIN IMMEDIATE');
    this.#commit = db.prepare('COMMIT');
    this.#latest = db.prepare(`SELECT ${kvColumns('kv')} FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1`);
    this.#insert = db.prepare(
      'INSERT INTO kv (name, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#sequence = db.prepare("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'kv'), 0) AS current");
  }

  /**
   * Applies `ops` in order in one transaction. Throws (having rolled back: nothing was applied)
   * when the transaction itself fails.
   */
  apply(ops: readonly WriteOp[]): AppliedBatch {
    this.#begin.run();
    try {
      const before = (this.#sequence.get() as { current: number }).current;
      const events: WatchEvent[] = [];
      const outcomes = ops.map((op) => this.#applyOne(op, events));
      this.#commit.run();
      return { outcomes, before, revision: events.at(-1)?.kv.modRevision ?? before, events };
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Applies one write, appending the event it makes (if any) to `events`. */
  #applyOne(op: WriteOp, events: WatchEvent[]): WriteOutcome {
    const latest = this.#latest.get(op.key) as KvRow | undefined;
    const live = latest !== undefined && latest.deleted === 0 ? latest : undefined;
    if (op.kind === 'create') {
      if (live !== undefined) return { ok: false, error: new KeyExistsError(op.key) };
      const revision = this.#append(op.key, 1, 0, 0, latest?.id ?? 0, op.value);
      const kv: KeyValue = { key: op.key, value: op.value, createRevision: revision, modRevision: revision };
      events.push({ type: 'create', kv });
      return { ok: true, result: { revision, kv } };
    }
    if (live === undefined) return { ok: false, error: new KeyNotFoundError(op.key) };
    const prev: KeyValue = toKeyValue(live);
    if (op.expected !== undefined && live.id !== op.expected) return { ok: false, error: new ConflictError(op.key, prev) };
    const createRevision = createRevisionOf(live);
    if (op.kind === 'update') {
      const revision = this.#append(op.key, 0, 0, createRevision, live.id, op.value);
      const kv: KeyValue = { key: op.key, value: op.value, createRevision, modRevision: revision };
      events.push({ type: 'update', kv, prev });
      return { ok: true, result: { revision, kv } };
    }
    const revision = this.#append(op.key, 0, 1, createRevision, live.id, noValue);
    const kv: KeyValue = { ...prev, modRevision: revision };
    events.push({ type: 'delete', kv, prev });
    return { ok: true, result: { revision, kv } };
  }

  #append(key: string, created: number, deleted: number, createRevision: number, prevRevision: number, value: Uint8Array): number {
    const { lastInsertRowid } = this.#insert.run(key, created, deleted, createRevision, prevRevision, value);
    return assertSafeRevision(lastInsertRowid);
  }
}
