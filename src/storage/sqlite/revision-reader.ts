/**
 * Reads of the revision log. "The store at revision R" is, for every key, its newest row with
 * id <= R, unless that row is a tombstone.
 *
 * Each public read runs in one read transaction, so its revision checks and its rows come from
 * the same snapshot even while another process writes the file (a WAL reader sees a fixed
 * prefix of the commits).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { maxKey, prefixEnd } from '../common/key-order.ts';
import { CompactedError, FutureRevisionError } from '../errors.ts';
import type { GetResult, ListResult, WatchEvent } from '../storage.ts';
import { kvColumns, toKeyValue, toWatchEvent, type ChangeRow, type KvRow } from './rows.ts';

/**
 * The upper bound of a prefix that has no string successor (the empty prefix): SQLite orders
 * every TEXT value before every BLOB, so `name < x'FF'` holds for all keys and still lets the
 * index serve the range.
 */
const endOfKeys = new Uint8Array([0xff]);

/** The store-wide revisions. */
export interface Revisions {
  /** The latest revision (the AUTOINCREMENT counter; 0 before the first write). */
  readonly current: number;
  /** The compaction point: reads below it are refused. */
  readonly compacted: number;
}

export class RevisionReader {
  readonly #db: DatabaseSync;
  readonly #begin: StatementSync;
  readonly #commit: StatementSync;
  readonly #revisions: StatementSync;
  readonly #get: StatementSync;
  readonly #getLatest: StatementSync;
  readonly #list: StatementSync;
  readonly #changes: StatementSync;
  readonly #changesUnder: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#begin = db.prepare('BEGIN');
    this.#commit = db.prepare('COMMIT');
    this.#revisions = db.prepare(`SELECT
      coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'kv'), 0) AS current,
      (SELECT value FROM meta WHERE name = 'compact_revision') AS compacted`);
    this.#get = db.prepare(`SELECT ${kvColumns('kv')} FROM kv WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`);
    // The hot path (a GET of the latest state): the current revision and the key's newest row in
    // one statement, which SQLite runs as one implicit read transaction (one snapshot).
    this.#getLatest = db.prepare(`SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'kv'), 0) AS current, ${kvColumns('k')}
      FROM (SELECT 1) LEFT JOIN (SELECT ${kvColumns('kv')} FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1) AS k`);
    // SQLite's documented "bare column" rule: with a single max() aggregate, the other columns
    // come from the row holding the maximum, i.e. each key's newest row at or below the revision.
    // Grouping walks the (name, id) index in key order, so LIMIT stops the scan early.
    this.#list = db.prepare(`SELECT max(id) AS id, name, created, deleted, create_revision, value FROM kv
      WHERE name >= ? AND name < ? AND id <= ? GROUP BY name HAVING deleted = 0 ORDER BY name LIMIT ?`);
    const changeColumns = `${kvColumns('r')}, p.id AS p_id, p.created AS p_created, p.create_revision AS p_create_revision, p.value AS p_value`;
    this.#changes = db.prepare(`SELECT ${changeColumns} FROM kv r LEFT JOIN kv p ON p.id = r.prev_revision
      WHERE r.id > ? AND r.id <= ? ORDER BY r.id LIMIT ?`);
    // `+r.name` keeps the planner on the id range (a watch catches up over a short recent range)
    // rather than the name index, which would need a sort.
    this.#changesUnder = db.prepare(`SELECT ${changeColumns} FROM kv r LEFT JOIN kv p ON p.id = r.prev_revision
      WHERE r.id > ? AND r.id <= ? AND +r.name >= ? AND +r.name < ? ORDER BY r.id LIMIT ?`);
  }

  /** Runs `fn` in one read transaction (one consistent snapshot of the file). */
  snapshot<T>(fn: () => T): T {
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

  /** The store-wide revisions (call inside a snapshot to pair them with other reads). */
  revisions(): Revisions {
    const row = this.#revisions.get() as { current: number; compacted: number } | undefined;
    return { current: row?.current ?? 0, compacted: row?.compacted ?? 0 };
  }

  /** One key at `requested` (undefined: the latest). */
  get(key: string, requested: number | undefined): GetResult {
    if (requested === undefined) {
      const row = this.#getLatest.get(key) as (Omit<KvRow, 'id'> & { current: number; id: number | null }) | undefined;
      const revision = row?.current ?? 0;
      return row !== undefined && row.id !== null && row.deleted === 0 ? { revision, kv: toKeyValue(row as KvRow) } : { revision };
    }
    return this.snapshot(() => {
      const revision = this.#readAt(requested);
      const row = this.#get.get(key, revision) as KvRow | undefined;
      return row !== undefined && row.deleted === 0 ? { revision, kv: toKeyValue(row) } : { revision };
    });
  }

  /** Keys under `prefix` (from `startKey` on) at `requested`, at most `limit`. */
  list(prefix: string, startKey: string | undefined, requested: number | undefined, limit: number | undefined): ListResult {
    const start = startKey !== undefined ? maxKey(prefix, startKey) : prefix;
    const end = prefixEnd(prefix) ?? endOfKeys;
    return this.snapshot(() => {
      const revision = this.#readAt(requested);
      // One row past the limit tells whether more follow; -1 means no limit to SQLite.
      const rows = this.#list.all(start, end, revision, limit !== undefined ? limit + 1 : -1) as unknown as KvRow[];
      const more = limit !== undefined && rows.length > limit;
      const kvs = (more ? rows.slice(0, limit) : rows).map(toKeyValue);
      return { revision, kvs, more };
    });
  }

  /**
   * Changes under `prefix` with `after < revision <= upTo`, oldest first, at most `limit`.
   * Throws CompactedError when `after` is below the compaction point.
   */
  eventsUnder(prefix: string, after: number, upTo: number, limit: number): WatchEvent[] {
    return this.snapshot(() => {
      const { compacted } = this.revisions();
      if (after < compacted) throw new CompactedError(after, compacted);
      if (after >= upTo) return [];
      const rows = (prefix === ''
        ? this.#changes.all(after, upTo, limit)
        : this.#changesUnder.all(after, upTo, prefix, prefixEnd(prefix) ?? endOfKeys, limit)) as unknown as ChangeRow[];
      return rows.map(toWatchEvent);
    });
  }

  /** Every change with `after < revision <= upTo`, oldest first, at most `limit` (call inside a snapshot). */
  changes(after: number, upTo: number, limit: number): WatchEvent[] {
    return (this.#changes.all(after, upTo, limit) as unknown as ChangeRow[]).map(toWatchEvent);
  }

  /** The revision a read is served at, after the compaction and future checks. */
  #readAt(requested: number | undefined): number {
    const { current, compacted } = this.revisions();
    if (requested === undefined) return current;
    if (requested < compacted) throw new CompactedError(requested, compacted);
    if (requested > current) throw new FutureRevisionError(requested, current);
    return requested;
  }
}
