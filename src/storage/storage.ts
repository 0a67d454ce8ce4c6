/**
 * The storage contract: a bytes-level key/value store with a global revision counter and watch,
 * modelled on etcd's KV API and kine's Backend. It knows nothing of Kubernetes objects: the
 * apiserver's registry encodes objects, maps revisions to resourceVersions and checks
 * preconditions; a backend only stores bytes under keys.
 *
 * Revisions are JavaScript numbers: every write (create, update, delete) takes the next revision
 * of the whole store, so revisions are strictly increasing and never reused. They stay far below
 * 2^53; a backend asserts that at its boundary.
 */

/**
 * One stored key with its value and the revisions that describe its history. Keys are non-empty
 * strings of well-formed Unicode, ordered by their UTF-8 bytes. Values handed out by a store may
 * be shared with it and with other readers (a watch event fanned out to several watches, a local
 * backend's own copy): treat them as read-only. Values passed in are copied.
 */
export interface KeyValue {
  readonly key: string;
  readonly value: Uint8Array;
  /** The revision of the write that created this key (stays the same across updates). */
  readonly createRevision: number;
  /** The revision of the last write to this key (for a delete event: the delete's revision). */
  readonly modRevision: number;
}

/** One change seen by a watch. */
export interface WatchEvent {
  readonly type: 'create' | 'update' | 'delete';
  /**
   * For create/update: the new state. For delete: the last value the key had, with
   * `modRevision` set to the revision of the delete itself.
   */
  readonly kv: KeyValue;
  /** The state before this change (absent for create). */
  readonly prev?: KeyValue;
}

/** Options of Storage.get. */
export interface GetOptions {
  /** Read the key as it was at this revision (must not be compacted); default (and 0): the latest. */
  readonly revision?: number;
}

/** Options of Storage.list. */
export interface ListOptions {
  /**
   * Read as of this revision (must not be compacted, must not be in the future); default (and
   * 0): the latest. Pagination passes the revision of the first page so every page reads one
   * snapshot.
   */
  readonly revision?: number;
  /** At most this many keys (> 0); default: all. `more` says whether keys were left out. */
  readonly limit?: number;
  /** Only keys >= this key (still within the prefix). Pagination passes `lastKey + "\0"`. */
  readonly startKey?: string;
}

/** What Storage.get read. */
export interface GetResult {
  /** The revision the read was served at. */
  readonly revision: number;
  /** The key's value, or undefined if it does not exist at that revision. */
  readonly kv?: KeyValue;
}

/** What Storage.list read. */
export interface ListResult {
  /** The revision the read was served at (the same for every page of a paginated list). */
  readonly revision: number;
  /** Keys in ascending byte order of the key. */
  readonly kvs: KeyValue[];
  /** True when `limit` cut the result and more keys follow the last one. */
  readonly more: boolean;
}

/** What a create, update or delete did. */
export interface WriteResult {
  /** The revision of this write. */
  readonly revision: number;
  /** The key's state after the write (for delete: the deleted value, modRevision = delete revision). */
  readonly kv: KeyValue;
}

/**
 * A store. Malformed arguments (an empty key, a negative or fractional revision, a limit <= 0)
 * are programming errors and throw RangeError or TypeError; everything a caller may need to
 * handle is a StorageError (errors.ts).
 */
export interface Storage {
  /** Reads one key. Throws CompactedError if `revision` was compacted, FutureRevisionError if it is ahead. */
  get(key: string, opts?: GetOptions): Promise<GetResult>;

  /**
   * Lists keys that start with `prefix`, in key order. The prefix is a plain string prefix:
   * `/registry/pods/a` also matches `/registry/pods/ab`, so a caller that means one level of the
   * key hierarchy ends its prefix with '/'. The empty prefix lists everything. Same revision
   * errors as `get`.
   */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;

  /** Creates `key`. Throws KeyExistsError if it exists. */
  create(key: string, value: Uint8Array): Promise<WriteResult>;

  /**
   * Compare-and-swap: replaces `key`'s value only if its current modRevision equals
   * `expectedModRevision`. Throws KeyNotFoundError if the key does not exist, ConflictError
   * (carrying the current KeyValue) if the modRevision differs.
   */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult>;

  /**
   * Deletes `key`; if `expectedModRevision` is given, only when its modRevision equals it.
   * Throws KeyNotFoundError if the key does not exist, ConflictError on a revision mismatch.
   */
  delete(key: string, expectedModRevision?: number): Promise<WriteResult>;

  /**
   * Every change to keys under `prefix` (a plain string prefix, as for `list`) with a revision
   * strictly greater than `afterRevision`, in revision order, with no gaps and no duplicates,
   * delivered in batches (events of one batch may share a revision only if the backend writes
   * several keys in one transaction; the current backends never do). Runs until `signal`
   * aborts (then the iteration ends normally) or the store closes. Throws CompactedError (from
   * the iterator) if `afterRevision` is older than the compaction point (so a watch can always
   * resume from a revision it got from `compactRevision()` or later); a watch that falls behind
   * compaction while running throws it too. Throws StorageClosedError when the store is closed
   * underneath it. An `afterRevision` beyond the current revision is allowed: the watch waits
   * for the revisions after it.
   */
  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent[]>;

  /** The store's latest revision (0 for an empty new store). */
  currentRevision(): Promise<number>;

  /**
   * Forgets the history before `revision` (the store's state at `revision` stays readable):
   * reads and watches at a revision < `revision` then throw CompactedError. Compacting to a revision
   * at or below the current compaction point is a no-op; beyond the current revision it throws
   * FutureRevisionError.
   */
  compact(revision: number): Promise<void>;

  /** The oldest revision still readable (the compaction point; 0 when never compacted). */
  compactRevision(): Promise<number>;

  /**
   * Whether the store can serve reads and writes now (for /readyz): resolves with undefined
   * when healthy, or with a short reason when not. Never throws.
   */
  health(): Promise<string | undefined>;

  /** Releases resources; pending and later calls throw StorageClosedError, watches end with it. */
  close(): Promise<void>;
}
