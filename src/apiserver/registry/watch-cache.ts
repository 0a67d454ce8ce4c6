/**
 * The per-resource watch cache: the current state of every object of one resource type plus a
 * bounded history of recent events, fed by one storage watch. It serves watches (so thousands of
 * watchers cost one storage watch), lets a watch resume from a recent resourceVersion, and
 * serves `resourceVersion=0` lists without touching the store.
 *
 * Invariant: every event with revision > `historyStart` is in `history`, in revision order. A
 * watch from revision R can be served exactly when R >= historyStart; otherwise it is too old
 * (410 Expired) and the client relists.
 *
 * Objects handed out are shared between the cache and every reader: never mutate them (clone
 * first). Their JSON is memoised (`serialize`) so an event fanned out to 1,000 watchers is
 * encoded once.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { CompactedError, StorageClosedError } from '../../storage/errors.ts';
import type { Storage, WatchEvent } from '../../storage/storage.ts';
import { yieldIfBusy } from '../../util/event-loop.ts';
import { decodeObject } from './codec.ts';

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  readonly type: CacheEventType;
  readonly revision: number;
  readonly key: string;
  /** The new state; for DELETED the last state, with resourceVersion = the delete's revision. */
  readonly object: KubeObject;
  /** The state before this change (absent for ADDED). */
  readonly prevObject: KubeObject | undefined;
}

/** Receives a watch's events in revision order, synchronously. */
export interface CacheWatcher {
  deliver(event: CacheEvent): void;
  /** The cache lost its history (storage compaction outran it): the watch must end with 410. */
  expire(): void;
  /** The resource is no longer served (its CRD was deleted): the watch ends, as upstream closes it. */
  end(): void;
}

export interface WatchRegistration {
  /** Events the watcher must receive first (history replay or the current state as ADDED). */
  readonly initial: CacheEvent[];
  /** The revision the watch is positioned at after `initial`. */
  readonly revision: number;
  unsubscribe(): void;
}

export interface WatchCacheOptions {
  /** Storage prefix of the resource (ends with '/'). */
  readonly prefix: string;
  /** How many events to keep for resuming watches. */
  readonly historySize?: number;
  /** Called with errors the cache recovered from (for logging). */
  readonly onError?: (err: unknown) => void;
}

/** Thrown by `watch` when the requested revision is older than the kept history. */
export class TooOldRevisionError extends Error {
  override name = 'TooOldRevisionError';
  readonly requested: number;
  readonly oldest: number;
  constructor(requested: number, oldest: number) {
    super(`too old resource version: ${requested} (${oldest})`);
    this.requested = requested;
    this.oldest = oldest;
  }
}

const serialized = new WeakMap<KubeObject, string>();

/** JSON of a cached object, computed once per object version. */
export function serialize(obj: KubeObject): string {
  let text = serialized.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    serialized.set(obj, text);
  }
  return text;
}

export class WatchCache {
  readonly #storage: Storage;
  readonly #prefix: string;
  readonly #historySize: number;
  readonly #onError: (err: unknown) => void;
  readonly #objects = new Map<string, KubeObject>();
  #history: CacheEvent[] = [];
  #historyStart = 0;
  #revision = 0;
  readonly #watchers = new Set<CacheWatcher>();
  readonly #abort = new AbortController();
  #ready: Promise<void> | undefined;
  #loop: Promise<void> | undefined;

  constructor(storage: Storage, options: WatchCacheOptions) {
    this.#storage = storage;
    this.#prefix = options.prefix;
    this.#historySize = options.historySize ?? 10_000;
    this.#onError = options.onError ?? (() => {});
  }

  /** Loads the current state and starts following changes; resolves once loaded. Idempotent. */
  start(): Promise<void> {
    this.#ready ??= this.#load().then(() => {
      this.#loop = this.#follow();
    });
    return this.#ready;
  }

  /** The revision the cache reflects: every event up to it has been applied. */
  get revision(): number {
    return this.#revision;
  }

  /** The current object under `key`, if any. */
  get(key: string): KubeObject | undefined {
    return this.#objects.get(key);
  }

  /** Current objects whose key starts with `prefix`, in key order. */
  list(prefix: string): KubeObject[] {
    const keys: string[] = [];
    for (const key of this.#objects.keys()) if (key.startsWith(prefix)) keys.push(key);
    keys.sort();
    return keys.map((k) => this.#objects.get(k)!);
  }

  /**
   * Registers a watcher. With `fromRevision` undefined the watcher first gets every current
   * object as ADDED; otherwise it gets the kept events after `fromRevision` (TooOldRevisionError
   * if they are no longer all kept). Either way it then gets every later event, in order.
   */
  watch(fromRevision: number | undefined, watcher: CacheWatcher): WatchRegistration {
    let initial: CacheEvent[];
    let revision: number;
    if (fromRevision === undefined) {
      revision = this.#revision;
      initial = this.list(this.#prefix).map((object) => ({
        type: 'ADDED' as const,
        revision: Number(object.metadata.resourceVersion),
        key: '',
        object,
        prevObject: undefined,
      }));
    } else {
      if (fromRevision < this.#historyStart) throw new TooOldRevisionError(fromRevision, this.#historyStart);
      revision = Math.max(fromRevision, this.#revision);
      initial = this.#eventsAfter(fromRevision);
    }
    this.#watchers.add(watcher);
    return { initial, revision, unsubscribe: () => this.#watchers.delete(watcher) };
  }

  /** Number of registered watchers (for metrics and tests). */
  get watcherCount(): number {
    return this.#watchers.size;
  }

  /** Ends every registered watch (the resource stopped being served); see CacheWatcher.end. */
  endWatches(): void {
    const watchers = [...this.#watchers];
    this.#watchers.clear();
    for (const w of watchers) {
      try {
        w.end();
      } catch (err) {
        this.#onError(err);
      }
    }
  }

  /** Stops following storage; registered watchers are left to their owners. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  #eventsAfter(revision: number): CacheEvent[] {
    // History is sorted by revision: binary search for the first event after `revision`.
    let lo = 0;
    let hi = this.#history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#history[mid]!.revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return this.#history.slice(lo);
  }

  async #load(): Promise<void> {
    const result = await this.#storage.list(this.#prefix);
    this.#objects.clear();
    for (const kv of result.kvs) this.#objects.set(kv.key, decodeObject(kv));
    this.#revision = result.revision;
    this.#historyStart = result.revision;
    this.#history = [];
  }

  async #follow(): Promise<void> {
    let backoffMs = 50;
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        for await (const batch of this.#storage.watch(this.#prefix, this.#revision, signal)) {
          for (let i = 0; i < batch.length; i++) {
            this.#apply(batch[i]!);
            // A long batch (the store catching up after a stall) fanned out to many watchers can
            // take most of a second: let the process's timers and sockets run between revisions
            // (never inside one, whose events a watch from its revision must get together).
            const next = batch[i + 1];
            if (next !== undefined && next.kv.modRevision !== batch[i]!.kv.modRevision) {
              await yieldIfBusy();
              if (signal.aborted) return;
            }
          }
          backoffMs = 50;
        }
      } catch (err) {
        if (signal.aborted || err instanceof StorageClosedError) return;
        this.#onError(err);
        if (err instanceof CompactedError) {
          await this.#relist();
          continue;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 2000);
      }
    }
  }

  /** After losing history: reload, and end every watch with 410 so its client relists. */
  async #relist(): Promise<void> {
    try {
      await this.#load();
    } catch (err) {
      this.#onError(err);
      await new Promise((resolve) => setTimeout(resolve, 500));
      return;
    }
    const watchers = [...this.#watchers];
    this.#watchers.clear();
    for (const w of watchers) w.expire();
  }

  #apply(event: WatchEvent): void {
    const revision = event.kv.modRevision;
    if (revision <= this.#revision) return;
    const prevObject = this.#objects.get(event.kv.key);
    const object = decodeObject(event.kv);
    let type: CacheEventType;
    if (event.type === 'delete') {
      type = 'DELETED';
      this.#objects.delete(event.kv.key);
    } else {
      type = prevObject === undefined ? 'ADDED' : 'MODIFIED';
      this.#objects.set(event.kv.key, object);
    }
    this.#revision = revision;
    const cacheEvent: CacheEvent = { type, revision, key: event.kv.key, object, prevObject };
    this.#history.push(cacheEvent);
    // Trim in chunks (a quarter of the size at a time) so the cost is amortised per event.
    if (this.#history.length > this.#historySize + (this.#historySize >> 2)) {
      const dropped = this.#history.splice(0, this.#history.length - this.#historySize);
      this.#historyStart = dropped[dropped.length - 1]!.revision;
    }
    for (const watcher of this.#watchers) {
      try {
        watcher.deliver(cacheEvent);
      } catch (err) {
        this.#onError(err);
      }
    }
  }
}
