/**
 * Rows of the `kv` table (see schema.ts) and their conversion to KeyValues and watch events.
 * Integers come back as JavaScript numbers: node:sqlite throws rather than return one above
 * 2^53, which is the boundary check on revisions read from the file.
 */
import type { KeyValue, WatchEvent } from '../storage.ts';

/** The columns of a `kv` row that reads select. */
export interface KvRow {
  readonly id: number;
  readonly name: string;
  readonly created: number;
  readonly deleted: number;
  readonly create_revision: number;
  readonly value: Uint8Array;
}

/** A `kv` row joined with its key's previous row (the `p_` columns, null when there is none). */
export interface ChangeRow extends KvRow {
  readonly p_id: number | null;
  readonly p_created: number | null;
  readonly p_create_revision: number | null;
  readonly p_value: Uint8Array | null;
}

/** The columns of a row, for SELECT lists (`alias` qualifies them in joins). */
export function kvColumns(alias: string): string {
  return ['id', 'name', 'created', 'deleted', 'create_revision', 'value'].map((c) => `${alias}.${c}`).join(', ');
}

/** The create revision a row stands for: its own id when it created the key. */
export function createRevisionOf(row: Pick<KvRow, 'id' | 'created' | 'create_revision'>): number {
  return row.created !== 0 ? row.id : row.create_revision;
}

/** The key's state that a live (non-tombstone) row records. */
export function toKeyValue(row: KvRow): KeyValue {
  return { key: row.name, value: row.value, createRevision: createRevisionOf(row), modRevision: row.id };
}

/** The watch event a change row records. */
export function toWatchEvent(row: ChangeRow): WatchEvent {
  const prev: KeyValue | undefined =
    row.p_id !== null && row.p_value !== null
      ? {
          key: row.name,
          value: row.p_value,
          createRevision: row.p_created !== 0 ? row.p_id : (row.p_create_revision ?? 0),
          modRevision: row.p_id,
        }
      : undefined;
  if (row.deleted !== 0) {
    // A tombstone carries no value: the deleted value is the previous row's, which compaction
    // keeps for as long as the tombstone can be watched (it is the newest row at or below any
    // compaction point under the tombstone).
    const kv: KeyValue = { key: row.name, value: prev?.value ?? new Uint8Array(), createRevision: row.create_revision, modRevision: row.id };
    return prev !== undefined ? { type: 'delete', kv, prev } : { type: 'delete', kv };
  }
  const kv = toKeyValue(row);
  if (row.created !== 0) return { type: 'create', kv };
  return prev !== undefined ? { type: 'update', kv, prev } : { type: 'update', kv };
}
