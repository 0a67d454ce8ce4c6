/**
 * Typed storage errors. The apiserver maps each to a Kubernetes Status: KeyExists → 409
 * AlreadyExists, Conflict → 409 Conflict, KeyNotFound → 404, Compacted → 410 Expired,
 * FutureRevision → 504 Timeout (the store has not caught up), Unavailable → 503.
 */
import type { KeyValue } from './storage.ts';

/** Base class of every error a Storage throws on purpose. */
export class StorageError extends Error {
  override name = 'StorageError';
}

/** A create found its key already there. */
export class KeyExistsError extends StorageError {
  override name = 'KeyExistsError';
  readonly key: string;
  constructor(key: string) {
    super(`key exists: ${key}`);
    this.key = key;
  }
}

/** An update or delete found no key to change. */
export class KeyNotFoundError extends StorageError {
  override name = 'KeyNotFoundError';
  readonly key: string;
  constructor(key: string) {
    super(`key not found: ${key}`);
    this.key = key;
  }
}

/** A compare-and-swap lost: `current` is the key's state now. */
export class ConflictError extends StorageError {
  override name = 'ConflictError';
  readonly key: string;
  readonly current: KeyValue;
  constructor(key: string, current: KeyValue) {
    super(`revision mismatch for ${key}: current modRevision ${current.modRevision}`);
    this.key = key;
    this.current = current;
  }
}

/** The requested revision is older than the compaction point. */
export class CompactedError extends StorageError {
  override name = 'CompactedError';
  readonly requestedRevision: number;
  readonly compactRevision: number;
  constructor(requestedRevision: number, compactRevision: number) {
    super(`revision ${requestedRevision} has been compacted (compacted up to ${compactRevision})`);
    this.requestedRevision = requestedRevision;
    this.compactRevision = compactRevision;
  }
}

/** The requested revision is newer than the store's current revision. */
export class FutureRevisionError extends StorageError {
  override name = 'FutureRevisionError';
  readonly requestedRevision: number;
  readonly currentRevision: number;
  constructor(requestedRevision: number, currentRevision: number) {
    super(`revision ${requestedRevision} is in the future (current ${currentRevision})`);
    this.requestedRevision = requestedRevision;
    this.currentRevision = currentRevision;
  }
}

/** The store cannot be reached or has no quorum; retrying later may succeed. */
export class StorageUnavailableError extends StorageError {
  override name = 'StorageUnavailableError';
}

/** The store was closed. */
export class StorageClosedError extends StorageError {
  override name = 'StorageClosedError';
  constructor() {
    super('storage is closed');
  }
}
