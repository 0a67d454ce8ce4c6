/**
 * The in-memory backend, for unit tests and `--storage=memory` development clusters: a
 * multi-version index (reads at older revisions), an event log (watches from the past), and the
 * shared watch hub. Nothing survives close(). Every operation completes synchronously inside its
 * promise, so operations take effect in the order they are called.
 */
import { checkKey, checkLimit, checkPrefix, checkRevision, checkValue, readRevision } from '../common/arguments.ts';
import { maxKey } from '../common/key-order.ts';
import { WatchHub } from '../common/watch-hub.ts';
import {
  CompactedError,
  ConflictError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  StorageClosedError,
} from '../errors.ts';
import type {
  GetOptions,
  GetResult,
  KeyValue,
  ListOptions,
  ListResult,
  Storage,
  WatchEvent,
  WriteResult,
} from '../storage.ts';
import { EventLog } from './event-log.ts';
import { VersionIndex } from './version-index.ts';

/** Tuning of a MemoryStorage. */
export interface MemoryStorageOptions {
  /** A live watch holding more undelivered events than this reads them from history instead. Default 10,000. */
  readonly maxQueuedEvents?: number;
}

/** A Storage held in memory; see the module comment. */
export class MemoryStorage implements Storage {
  readonly #index = new VersionIndex();
  readonly #log = new EventLog();
  readonly #hub: WatchHub;
  #revision = 0;
  #compactRevision = 0;
  #closed = false;

  constructor(opts: MemoryStorageOptions = {}) {
    this.#hub = new WatchHub(
      { readEvents: (prefix, after, upTo, limit) => this.#readEvents(prefix, after, upTo, limit) },
      { position: 0, ...(opts.maxQueuedEvents !== undefined ? { maxQueuedEvents: opts.maxQueuedEvents } : {}) },
    );
  }

  async get(key: string, opts?: GetOptions): Promise<GetResult> {
    this.#checkOpen();
    checkKey(key);
    const revision = this.#readAt(opts?.revision);
    const kv = this.#index.at(key, revision);
    return kv !== undefined ? { revision, kv } : { revision };
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.#checkOpen();
    checkPrefix(prefix);
    checkLimit(opts?.limit);
    if (opts?.startKey !== undefined) checkPrefix(opts.startKey);
    const revision = this.#readAt(opts?.revision);
    const start = opts?.startKey !== undefined ? maxKey(prefix, opts.startKey) : prefix;
    const { kvs, more } = this.#index.scan(prefix, start, revision, opts?.limit ?? Infinity);
    return { revision, kvs, more };
  }

  async create(key: string, value: Uint8Array): Promise<WriteResult> {
    this.#checkOpen();
    checkKey(key);
    checkValue(value);
    if (this.#index.latest(key) !== undefined) throw new KeyExistsError(key);
    const revision = this.#revision + 1;
    const kv: KeyValue = { key, value: new Uint8Array(value), createRevision: revision, modRevision: revision };
    this.#commit({ type: 'create', kv }, kv);
    return { revision, kv };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult> {
    this.#checkOpen();
    checkKey(key);
    checkValue(value);
    const prev = this.#current(key, expectedModRevision);
    const revision = this.#revision + 1;
    const kv: KeyValue = { key, value: new Uint8Array(value), createRevision: prev.createRevision, modRevision: revision };
    this.#commit({ type: 'update', kv, prev }, kv);
    return { revision, kv };
  }

  async delete(key: string, expectedModRevision?: number): Promise<WriteResult> {
    this.#checkOpen();
    checkKey(key);
    const prev = this.#current(key, expectedModRevision);
    const revision = this.#revision + 1;
    const kv: KeyValue = { ...prev, modRevision: revision };
    this.#commit({ type: 'delete', kv, prev }, undefined);
    return { revision, kv };
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent[]> {
    return this.#hub.watch(prefix, afterRevision, signal);
  }

  async currentRevision(): Promise<number> {
    this.#checkOpen();
    return this.#revision;
  }

  async compact(revision: number): Promise<void> {
    this.#checkOpen();
    checkRevision(revision, false);
    if (revision <= this.#compactRevision) return;
    if (revision > this.#revision) throw new FutureRevisionError(revision, this.#revision);
    this.#compactRevision = revision;
    this.#index.compact(revision);
    this.#log.compact(revision);
  }

  async compactRevision(): Promise<number> {
    this.#checkOpen();
    return this.#compactRevision;
  }

  async health(): Promise<string | undefined> {
    return this.#closed ? 'storage is closed' : undefined;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#hub.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new StorageClosedError();
  }

  /** The revision a read is served at, after the compaction and future checks. */
  #readAt(requested: number | undefined): number {
    const revision = readRevision(requested);
    if (revision === undefined) return this.#revision;
    if (revision < this.#compactRevision) throw new CompactedError(revision, this.#compactRevision);
    if (revision > this.#revision) throw new FutureRevisionError(revision, this.#revision);
    return revision;
  }

  /** The key's current state, checked against the expected modRevision (if any) of a write. */
  #current(key: string, expectedModRevision: number | undefined): KeyValue {
    if (expectedModRevision !== undefined) checkRevision(expectedModRevision, true);
    const current = this.#index.latest(key);
    if (current === undefined) throw new KeyNotFoundError(key);
    if (expectedModRevision !== undefined && current.modRevision !== expectedModRevision) {
      throw new ConflictError(key, current);
    }
    return current;
  }

  /** Applies one change at the next revision: index, log, then the watches. */
  #commit(event: WatchEvent, state: KeyValue | undefined): void {
    const revision = event.kv.modRevision;
    this.#revision = revision;
    this.#index.put(event.kv.key, revision, state);
    this.#log.append(event);
    this.#hub.publish([event], revision);
  }

  #readEvents(prefix: string, after: number, upTo: number, limit: number): WatchEvent[] {
    if (this.#closed) throw new StorageClosedError();
    if (after < this.#compactRevision) throw new CompactedError(after, this.#compactRevision);
    return this.#log.read(prefix, after, upTo, limit);
  }
}
