/**
 * An informer: a reflector feeding an indexed Store, plus event handlers told about each change.
 *
 * Handlers run synchronously, in event order, after the store has been updated (so a handler
 * that reads the store sees the new state). A handler that throws is logged and does not stop
 * the others. After a relist, objects that vanished while the watch was down are reported to
 * `onDelete` as a `DeletedFinalStateUnknown` tombstone carrying the last state the cache had.
 * Stored objects are deep-frozen: they are shared by every reader.
 */
import type { KubeObject } from '../api/meta/types.ts';
import type { BackoffOptions } from './backoff.ts';
import type { Clock } from './clock.ts';
import { realClock } from './clock.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';
import type { ListerWatcher, ReflectorSink } from './reflector.ts';
import { Reflector } from './reflector.ts';
import type { IndexFunc, Lister } from './store.ts';
import { Store, objectKey } from './store.ts';

/** An object deleted while the watch was down: its last known state, not its final one. */
export interface DeletedFinalStateUnknown<T extends KubeObject> {
  readonly kind: 'DeletedFinalStateUnknown';
  readonly key: string;
  readonly obj: T;
}

/** Whether an onDelete argument is a tombstone rather than the final object. */
export function isTombstone<T extends KubeObject>(v: T | DeletedFinalStateUnknown<T>): v is DeletedFinalStateUnknown<T> {
  return (v as { kind?: unknown }).kind === 'DeletedFinalStateUnknown' && 'obj' in v;
}

/** Callbacks for cache changes; each is optional. */
export interface EventHandlers<T extends KubeObject> {
  /** `initialList` is true for objects from the first list (and for replays to late handlers). */
  onAdd?(obj: T, initialList: boolean): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

/** Source, indexes and pacing of an informer. */
export interface InformerOptions<T extends KubeObject> {
  listerWatcher: ListerWatcher<T>;
  /** For log messages. */
  name?: string;
  indexers?: Readonly<Record<string, IndexFunc<T>>>;
  /** @default realClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
  backoff?: BackoffOptions;
}

function deepFreeze<V>(value: V): V {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A reflector-fed, indexed cache with change handlers; see the file comment. */
export class Informer<T extends KubeObject> {
  readonly #store: Store<T>;
  readonly #reflector: Reflector<T>;
  readonly #handlers = new Set<EventHandlers<T>>();
  readonly #name: string;
  readonly #logger: Logger;
  #synced = false;
  #running = false;
  readonly #syncWaiters = new Set<() => void>();

  constructor(opts: InformerOptions<T>) {
    this.#store = new Store<T>(opts.indexers);
    this.#name = opts.name ?? 'informer';
    this.#logger = opts.logger ?? silentLogger;
    const sink: ReflectorSink<T> = { replace: (items) => this.#replace(items), apply: (type, obj) => this.#apply(type, obj) };
    this.#reflector = new Reflector<T>({
      listerWatcher: opts.listerWatcher,
      sink,
      name: this.#name,
      clock: opts.clock ?? realClock,
      logger: this.#logger,
      ...(opts.backoff === undefined ? {} : { backoff: opts.backoff }),
    });
  }

  /** The cache. */
  get store(): Lister<T> {
    return this.#store;
  }

  /** The resourceVersion the cache reflects. */
  get lastSyncResourceVersion(): string {
    return this.#reflector.lastSyncResourceVersion;
  }

  /** Whether the cache has an index of this name. */
  hasIndexer(name: string): boolean {
    return this.#store.hasIndexer(name);
  }

  /** Adds index functions (allowed at any time; existing objects are indexed at once). */
  addIndexers(indexers: Readonly<Record<string, IndexFunc<T>>>): void {
    this.#store.addIndexers(indexers);
  }

  /**
   * Registers handlers. A handler added after the first sync is first told about every cached
   * object through `onAdd(obj, true)`. Returns a function that unregisters it.
   */
  addEventHandler(handlers: EventHandlers<T>): () => void {
    this.#handlers.add(handlers);
    if (this.#synced) for (const obj of this.#store.list()) this.#call('onAdd', () => handlers.onAdd?.(obj, true));
    return () => {
      this.#handlers.delete(handlers);
    };
  }

  /** Whether the first list has been stored. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves true once synced, or false if `signal` aborts first. */
  waitForSync(signal: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.#syncWaiters.delete(onSync);
        resolve(false);
      };
      const onSync = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      this.#syncWaiters.add(onSync);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Runs until `signal` aborts; resolves then. @throws Error if already running */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new Error(`Cannot run informer ${this.#name}: it is already running`);
    this.#running = true;
    try {
      await this.#reflector.run(signal);
    } finally {
      this.#running = false;
    }
  }

  #replace(items: T[]): void {
    const initial = !this.#synced;
    const seen = new Set<string>();
    for (const item of items) {
      const obj = deepFreeze(item);
      const key = objectKey(obj);
      seen.add(key);
      const old = this.#store.upsert(obj);
      if (old === undefined) this.#emit('onAdd', (h) => h.onAdd?.(obj, initial));
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#emit('onUpdate', (h) => h.onUpdate?.(old, obj));
    }
    for (const key of this.#store.keys()) {
      if (seen.has(key)) continue;
      const old = this.#store.remove(key) as T;
      const tombstone: DeletedFinalStateUnknown<T> = { kind: 'DeletedFinalStateUnknown', key, obj: old };
      this.#emit('onDelete', (h) => h.onDelete?.(tombstone));
    }
    if (!this.#synced) {
      this.#synced = true;
      for (const waiter of this.#syncWaiters) waiter();
      this.#syncWaiters.clear();
    }
  }

  #apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', item: T): void {
    const obj = deepFreeze(item);
    if (type === 'DELETED') {
      const old = this.#store.remove(objectKey(obj));
      if (old !== undefined) this.#emit('onDelete', (h) => h.onDelete?.(obj));
      return;
    }
    const old = this.#store.upsert(obj);
    if (old === undefined) this.#emit('onAdd', (h) => h.onAdd?.(obj, false));
    else this.#emit('onUpdate', (h) => h.onUpdate?.(old, obj));
  }

  #emit(what: string, call: (h: EventHandlers<T>) => void): void {
    for (const h of this.#handlers) this.#call(what, () => call(h));
  }

  #call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#logger.error('informer event handler failed', { informer: this.#name, handler: what, error: err });
    }
  }
}
