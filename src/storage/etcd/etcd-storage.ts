/**
 * The etcd backend: a thin mapping of the Storage contract onto etcd's v3 KV, Txn and Watch APIs
 * (through the `etcd3` package). Creates and compare-and-swaps are single transactions that read
 * the key back when their condition fails, so a conflict reports the current value without a
 * second round trip. Revisions are etcd's own, so one etcd can serve several stores under
 * different prefixes (their revisions are then shared, and compaction is cluster-wide).
 */
import type { CallOptions } from '@grpc/grpc-js';
import type { Etcd3, ICompare, IRangeRequest, IRangeResponse, IRequestOp, ITxnResponse } from 'etcd3';
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
  ListOptions,
  ListResult,
  Storage,
  WatchEvent,
  WriteResult,
} from '../storage.ts';
import { checkKey, checkLimit, checkPrefix, checkRevision, checkValue, readRevision } from '../common/arguments.ts';
import { createEtcdClient, type EtcdTlsOptions } from './etcd-client.ts';
import { findCompactRevision } from './etcd-compaction.ts';
import { toKeyValue, toRevision } from './etcd-convert.ts';
import { isCompactedError, isFutureRevisionError, toStorageError } from './etcd-errors.ts';
import { KeySpace } from './etcd-keys.ts';
import { callWithRetry, type CallKind, type CallScope } from './etcd-retry.ts';
import { resilientWatch, type EtcdWatchObserver, type WatchScope } from './etcd-watch.ts';

export type { EtcdTlsOptions } from './etcd-client.ts';
export type { EtcdWatchObserver } from './etcd-watch.ts';

export interface EtcdStorageOptions {
  /** Member client URLs (`https://ip:port`); calls and watches fail over between them. */
  readonly endpoints: readonly string[];
  /** Client certificate and the CA of the members; omit only for an etcd without TLS. */
  readonly tls?: EtcdTlsOptions;
  /**
   * Every key is stored under this prefix (e.g. `/k8ts/prod`), invisible to callers, so several
   * clusters can share one etcd. Default ''. Storage keys start with '/', so give sharing stores
   * prefixes where neither plus '/' starts the other (`/a` and `/ab` are fine, `/a` and `/a/b` are not).
   */
  readonly prefix?: string;
  /** Time budget of one operation, retries included. Default 5000 ms. */
  readonly requestTimeoutMs?: number;
  /** Time budget of health(). Default 1000 ms. */
  readonly healthTimeoutMs?: number;
  readonly watchObserver?: EtcdWatchObserver;
}

/** A Storage on an etcd cluster (3.4 or later). */
export class EtcdStorage implements Storage {
  readonly #client: Etcd3;
  readonly #keys: KeySpace;
  readonly #requestTimeoutMs: number;
  readonly #healthTimeoutMs: number;
  readonly #observer: EtcdWatchObserver | undefined;
  readonly #scope: CallScope;
  /** Called once when the store closes: cancel running watch streams, fail calls in flight. */
  readonly #closeHooks = new Set<() => void>();
  #closed = false;
  /** The highest compaction point known to be in effect (a lower bound of etcd's). */
  #knownCompactRevision = 0;

  constructor(opts: EtcdStorageOptions) {
    this.#client = createEtcdClient({ endpoints: opts.endpoints, ...(opts.tls !== undefined ? { tls: opts.tls } : {}) });
    this.#keys = new KeySpace(opts.prefix ?? '');
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? 5_000;
    this.#healthTimeoutMs = opts.healthTimeoutMs ?? 1_000;
    this.#observer = opts.watchObserver;
    this.#scope = {
      isClosed: () => this.#closed,
      onClose: (hook) => {
        this.#closeHooks.add(hook);
        return () => this.#closeHooks.delete(hook);
      },
    };
  }

  async get(key: string, opts?: GetOptions): Promise<GetResult> {
    checkKey(key);
    const req: IRangeRequest = { key: this.#keys.encode(key) };
    const revision = readRevision(opts?.revision);
    if (revision !== undefined) req.revision = revision;
    const res = await this.#range(req, revision);
    const first = res.kvs[0];
    const servedAt = revision ?? toRevision(res.header.revision);
    return first !== undefined ? { revision: servedAt, kv: toKeyValue(this.#keys, first) } : { revision: servedAt };
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    checkPrefix(prefix);
    if (opts?.startKey !== undefined) checkPrefix(opts.startKey);
    checkLimit(opts?.limit);
    const { start, end } = this.#keys.range(prefix, opts?.startKey);
    const req: IRangeRequest = { key: start, range_end: end };
    const revision = readRevision(opts?.revision);
    if (revision !== undefined) req.revision = revision;
    if (opts?.limit !== undefined) req.limit = opts.limit;
    const res = await this.#range(req, revision);
    return { revision: revision ?? toRevision(res.header.revision), kvs: res.kvs.map((kv) => toKeyValue(this.#keys, kv)), more: res.more };
  }

  async create(key: string, value: Uint8Array): Promise<WriteResult> {
    checkKey(key);
    checkValue(value);
    const k = this.#keys.encode(key);
    const res = await this.#txn([{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }], {
      success: [{ request_put: { key: k, value: Buffer.from(value) } }],
      failure: [],
    });
    if (!res.succeeded) throw new KeyExistsError(key);
    const revision = toRevision(res.header.revision);
    return { revision, kv: { key, value: copy(value), createRevision: revision, modRevision: revision } };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult> {
    checkKey(key);
    checkValue(value);
    checkRevision(expectedModRevision, true);
    const k = this.#keys.encode(key);
    const res = await this.#txn(
      [
        { key: k, target: 'Create', result: 'Greater', create_revision: 0 },
        { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision },
      ],
      { success: [{ request_put: { key: k, value: Buffer.from(value), prev_kv: true } }], failure: [{ request_range: { key: k } }] },
    );
    if (!res.succeeded) throw this.#casFailure(key, res);
    const revision = toRevision(res.header.revision);
    const prev = res.responses[0]?.response_put.prev_kv;
    if (prev === undefined || prev === null) throw new Error(`etcd: update of ${key} returned no previous value`);
    return { revision, kv: { key, value: copy(value), createRevision: toRevision(prev.create_revision), modRevision: revision } };
  }

  async delete(key: string, expectedModRevision?: number): Promise<WriteResult> {
    checkKey(key);
    if (expectedModRevision !== undefined) checkRevision(expectedModRevision, true);
    const k = this.#keys.encode(key);
    const compare: ICompare[] = [{ key: k, target: 'Create', result: 'Greater', create_revision: 0 }];
    if (expectedModRevision !== undefined) compare.push({ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision });
    const res = await this.#txn(compare, {
      success: [{ request_delete_range: { key: k, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.#casFailure(key, res);
    const revision = toRevision(res.header.revision);
    const prev = res.responses[0]?.response_delete_range.prev_kvs[0];
    if (prev === undefined) throw new Error(`etcd: delete of ${key} returned no previous value`);
    return { revision, kv: { ...toKeyValue(this.#keys, prev), modRevision: revision } };
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent[]> {
    checkPrefix(prefix);
    checkRevision(afterRevision, true);
    const scope: WatchScope = {
      client: this.#client,
      keys: this.#keys,
      isClosed: () => this.#closed,
      onClose: (cancel) => {
        this.#closeHooks.add(cancel);
        return () => this.#closeHooks.delete(cancel);
      },
      ...(this.#observer !== undefined ? { observer: this.#observer } : {}),
    };
    return resilientWatch(scope, prefix, afterRevision, signal);
  }

  async currentRevision(): Promise<number> {
    const res = await this.#call('idempotent', this.#requestTimeoutMs, (o) => this.#client.kv.range(this.#probe(), o));
    return toRevision(res.header.revision);
  }

  async compact(revision: number): Promise<void> {
    if (this.#closed) throw new StorageClosedError();
    checkRevision(revision, false);
    if (revision <= this.#knownCompactRevision) return;
    try {
      await this.#call('idempotent', this.#requestTimeoutMs, (o) => this.#client.kv.compact({ revision, physical: false }, o));
    } catch (err) {
      if (isCompactedError(err)) return; // etcd is already compacted at or beyond `revision`
      if (isFutureRevisionError(err)) throw new FutureRevisionError(revision, await this.currentRevision());
      throw toStorageError(err);
    }
    this.#knownCompactRevision = Math.max(this.#knownCompactRevision, revision);
  }

  /**
   * etcd does not report its compaction point, so it is found by probing: a read at revision r
   * fails exactly when r is below it. The last point found is checked with one read (still
   * readable means unchanged, since compaction only moves forward); when it moved, a binary
   * search between it and the current revision finds the new one.
   */
  async compactRevision(): Promise<number> {
    try {
      const found = await findCompactRevision(this.#knownCompactRevision, async (revision) => {
        try {
          await this.#call('idempotent', this.#requestTimeoutMs, (o) => this.#client.kv.range({ ...this.#probe(), revision }, o));
          return true;
        } catch (err) {
          if (isCompactedError(err)) return false;
          throw err;
        }
      }, () => this.currentRevision());
      this.#knownCompactRevision = Math.max(this.#knownCompactRevision, found);
      return this.#knownCompactRevision;
    } catch (err) {
      throw toStorageError(err);
    }
  }

  /** A linearizable read (it needs a leader and a quorum) within the health budget. */
  async health(): Promise<string | undefined> {
    if (this.#closed) return 'storage is closed';
    try {
      await this.#call('idempotent', this.#healthTimeoutMs, (o) => this.#client.kv.range(this.#probe(), o));
      return undefined;
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
      return `etcd: ${cause instanceof Error ? cause.message : String(cause)}`;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const cancel of [...this.#closeHooks]) cancel();
    this.#closeHooks.clear();
    this.#client.close();
  }

  /**
   * A cheap read: counts the keys equal to the root prefix, or to "\0" without one (etcd refuses
   * an empty key). No storage key is either: they all start with '/'.
   */
  #probe(): IRangeRequest {
    const root = this.#keys.encode('');
    return { key: root.length > 0 ? root : Buffer.from([0]), count_only: true };
  }

  async #call<T>(kind: CallKind, budgetMs: number, fn: (o: CallOptions) => Promise<T>): Promise<T> {
    return callWithRetry(this.#scope, kind, budgetMs, fn);
  }

  async #range(req: IRangeRequest, requestedRevision: number | undefined): Promise<IRangeResponse> {
    try {
      return await this.#call('idempotent', this.#requestTimeoutMs, (o) => this.#client.kv.range(req, o));
    } catch (err) {
      if (requestedRevision !== undefined && isCompactedError(err)) {
        throw new CompactedError(requestedRevision, await this.compactRevision());
      }
      if (requestedRevision !== undefined && isFutureRevisionError(err)) {
        throw new FutureRevisionError(requestedRevision, await this.currentRevision());
      }
      throw toStorageError(err);
    }
  }

  async #txn(compare: ICompare[], ops: { success: IRequestOp[]; failure: IRequestOp[] }): Promise<ITxnResponse> {
    try {
      return await this.#call('write', this.#requestTimeoutMs, (o) => this.#client.kv.txn({ compare, ...ops }, o));
    } catch (err) {
      throw toStorageError(err);
    }
  }

  /** The error for a failed compare-and-swap, from the key's state read in the same transaction. */
  #casFailure(key: string, res: ITxnResponse): Error {
    const current = res.responses[0]?.response_range.kvs[0];
    if (current === undefined) return new KeyNotFoundError(key);
    return new ConflictError(key, toKeyValue(this.#keys, current));
  }
}

function copy(value: Uint8Array): Uint8Array {
  return new Uint8Array(value);
}
