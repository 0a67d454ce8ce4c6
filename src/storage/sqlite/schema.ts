/**
 * The SQLite file: one table holding the store's whole history, kine-style, plus a small table
 * of store-wide settings.
 *
 * `kv` has one row per change, never updated in place:
 * - `id` is the change's revision. AUTOINCREMENT makes ids strictly increasing and never reused,
 *   even after compaction deletes the newest rows, so the counter in `sqlite_sequence` is the
 *   store's current revision.
 * - `created` marks the row that created the key, `deleted` a deletion tombstone (whose `value`
 *   is empty: the deleted value is the previous row's).
 * - `create_revision` is the key's create revision; 0 in a `created` row, where it is the row's
 *   own id (unknown before the insert).
 * - `prev_revision` is the id of the key's previous row (0 for none). Watches read the previous
 *   state through it, and compaction uses it to find the rows a newer one supersedes.
 * The unique index on (name, id) serves "the newest row of a key at or below a revision" and
 * ordered prefix scans.
 *
 * `meta` holds `compact_revision` (reads below it are refused) and `compacted_through` (the
 * revision up to which superseded rows have actually been deleted; compaction deletes in steps
 * after promising `compact_revision`, and a later compaction resumes from here).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const schemaVersion = 1;

const ddl = `
CREATE TABLE IF NOT EXISTS kv (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', ${schemaVersion});
INSERT OR IGNORE INTO meta (name, value) VALUES ('compact_revision', 0);
INSERT OR IGNORE INTO meta (name, value) VALUES ('compacted_through', 0);
`;

export interface OpenDatabaseOptions {
  /** How long a write waits for another process's write lock before failing (ms). */
  readonly busyTimeoutMs: number;
}

/**
 * Opens (creating if needed, parent directory included) the store's database file and brings
 * its schema up to date.
 *
 * Durability: WAL journal with `synchronous=NORMAL`. A commit returns once its pages are
 * written to the WAL file (in the OS page cache); the WAL is fsynced only at checkpoints. A
 * crash of the process — `kill -9` included — therefore loses no acknowledged write, since the
 * kernel still holds and later writes those pages. Power loss or a kernel crash can lose the
 * last commits (never corrupting the file); surviving that needs `synchronous=FULL`, an fsync per
 * commit that costs several times the write throughput, and is out of scope for this
 * single-node store.
 */
export function openDatabase(path: string, opts: OpenDatabaseOptions): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { timeout: opts.busyTimeoutMs });
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec(`BEGIN IMMEDIATE; ${ddl} COMMIT;`);
    const row = db.prepare("SELECT value FROM meta WHERE name = 'schema_version'").get();
    if (row?.value !== schemaVersion) {
      throw new Error(`${path}: unsupported storage schema version ${String(row?.value)} (expected ${schemaVersion})`);
    }
    return db;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    db.close();
    throw err;
  }
}
