/**
 * Compaction of the revision log to revision C: after it, no read below C is served, so every
 * row at or below C that a read at C or later cannot see goes: rows superseded by a newer row of
 * their key at or below C, and tombstones at or below C (a key absent at C needs no row).
 *
 * It runs in two stages. First one transaction checks C and records it as `compact_revision`:
 * from then on reads below C are refused, so nothing can observe the deletions. Then the rows go
 * in steps, each a transaction over a range of revisions (so neither the write lock nor the
 * event loop is held long) that records its progress in `compacted_through`; a compaction cut
 * short (the process died) is finished by the next one.
 *
 * A row is superseded exactly when a newer row names it as `prev_revision`, so each step deletes
 * the predecessors of its rows plus its tombstones: the work follows the number of changes since
 * the last compaction, not the number of keys.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { FutureRevisionError } from '../errors.ts';
import type { RevisionReader } from './revision-reader.ts';

export class Compactor {
  readonly #db: DatabaseSync;
  readonly #reader: RevisionReader;
  readonly #begin: StatementSync;
  readonly #commit: StatementSync;
  readonly #through: StatementSync;
  readonly #setMeta: StatementSync;
  readonly #deletePredecessors: StatementSync;
  readonly #deleteTombstones: StatementSync;

  constructor(db: DatabaseSync, reader: RevisionReader) {
    this.#db = db;
    this.#reader = reader;
    this.#begin = db.prepare('BEGIN IMMEDIATE');
    this.#commit = db.prepare('COMMIT');
    this.#through = db.prepare("SELECT value FROM meta WHERE name = 'compacted_through'");
    this.#setMeta = db.prepare('UPDATE meta SET value = max(value, ?) WHERE name = ?');
    this.#deletePredecessors = db.prepare('DELETE FROM kv WHERE id IN (SELECT prev_revision FROM kv WHERE id > ? AND id <= ?)');
    this.#deleteTombstones = db.prepare('DELETE FROM kv WHERE id > ? AND id <= ? AND deleted = 1');
  }

  /**
   * Records `revision` as the compaction point (kept as it is when already at or beyond it) and
   * returns the range of revisions whose rows are still to be cleaned, for `clean` to work
   * through in steps of `stepSize` (including what an interrupted compaction left).
   * Throws FutureRevisionError beyond the current revision.
   */
  record(revision: number): { from: number; to: number } {
    return this.#transaction(() => {
      const { current, compacted } = this.#reader.revisions();
      if (revision > current) throw new FutureRevisionError(revision, current);
      if (revision > compacted) this.#setMeta.run(revision, 'compact_revision');
      return { from: (this.#through.get() as { value: number }).value, to: Math.max(revision, compacted) };
    });
  }

  /** Deletes the rows that the changes in (`from`, `to`] made unreachable, in one transaction. */
  clean(from: number, to: number): void {
    this.#transaction(() => {
      this.#deletePredecessors.run(from, to);
      this.#deleteTombstones.run(from, to);
      this.#setMeta.run(to, 'compacted_through');
    });
  }

  #transaction<T>(fn: () => T): T {
    this.#begin.run();
    try {
      const result = fn();
      this.#commit.run();
      return result;
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }
}
