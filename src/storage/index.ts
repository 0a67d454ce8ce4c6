/**
 * The storage component's public surface: the bytes-level key/value contract with revisions
 * and watch, its errors, and the backends.
 */
export type {
  GetOptions,
  GetResult,
  KeyValue,
  ListOptions,
  ListResult,
  Storage,
  WatchEvent,
  WriteResult,
} from './storage.ts';
export {
  CompactedError,
  ConflictError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  StorageClosedError,
  StorageError,
  StorageUnavailableError,
} from './errors.ts';
export { openStorage, type StorageSpec } from './open-storage.ts';
export { MemoryStorage, type MemoryStorageOptions } from './memory/memory-storage.ts';
export { SqliteStorage, type SqliteStorageOptions } from './sqlite/sqlite-storage.ts';
