/**
 * The informer's in-memory cache: objects by key (`namespace/name`, or `name` for
 * cluster-scoped objects) plus secondary indexes. Only the informer writes to it; everyone else
 * reads through the `Lister` view. JavaScript runs one callback at a time, so a read never sees
 * a half-applied write; the objects themselves are frozen because they are shared.
 */
import type { KubeObject } from '../api/meta/types.ts';

/** Maps an object to the index values it is filed under (none, one or several). */
export type IndexFunc<T extends KubeObject> = (obj: T) => readonly string[];

/** The index every store has: objects by `metadata.namespace` ('' for cluster-scoped). */
export const NAMESPACE_INDEX = 'byNamespace';

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: Pick<KubeObject, 'metadata'>): string {
  const { namespace, name } = obj.metadata;
  return namespace !== undefined && namespace !== '' ? `${namespace}/${name ?? ''}` : (name ?? '');
}

/** The inverse of `objectKey`. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** Read-only access to a store. Returned objects are frozen and shared: clone before changing. */
export interface Lister<T extends KubeObject> {
  get(key: string): T | undefined;
  list(): T[];
  keys(): string[];
  /** Objects whose `indexName` index function returned `value`. @throws Error for an unknown index */
  byIndex(indexName: string, value: string): T[];
  readonly size: number;
}

/** The writable store behind an informer (only the informer writes). */
export class Store<T extends KubeObject> implements Lister<T> {
  readonly #items = new Map<string, T>();
  readonly #indexers = new Map<string, IndexFunc<T>>();
  /** indexName → value → keys. Invariant: key ∈ #indices[n][v] ⇔ v ∈ #indexers[n](#items[key]). */
  readonly #indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Readonly<Record<string, IndexFunc<T>>> = {}) {
    this.addIndexers({ [NAMESPACE_INDEX]: (obj) => [obj.metadata.namespace ?? ''], ...indexers });
  }

  /** Adds index functions, indexing the objects already stored. @throws Error if a name is taken */
  addIndexers(indexers: Readonly<Record<string, IndexFunc<T>>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.#indexers.has(name)) throw new Error(`Cannot add indexer "${name}": it already exists`);
      this.#indexers.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.#indices.set(name, index);
      for (const [key, obj] of this.#items) this.#file(index, fn, key, obj);
    }
  }

  /** Whether an index of this name exists. */
  hasIndexer(name: string): boolean {
    return this.#indexers.has(name);
  }

  get size(): number {
    return this.#items.size;
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  list(): T[] {
    return [...this.#items.values()];
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  byIndex(indexName: string, value: string): T[] {
    const index = this.#indices.get(indexName);
    if (index === undefined) throw new Error(`Cannot query index "${indexName}": no such indexer`);
    const keys = index.get(value);
    if (keys === undefined) return [];
    return [...keys].map((k) => this.#items.get(k) as T);
  }

  /** Stores `obj` under its key; returns the object it replaced. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.#items.get(key);
    if (old !== undefined) this.#unfile(key, old);
    this.#items.set(key, obj);
    for (const [name, fn] of this.#indexers) this.#file(this.#indices.get(name) as Map<string, Set<string>>, fn, key, obj);
    return old;
  }

  /** Removes the object at `key`; returns it. */
  remove(key: string): T | undefined {
    const old = this.#items.get(key);
    if (old === undefined) return undefined;
    this.#unfile(key, old);
    this.#items.delete(key);
    return old;
  }

  #file(index: Map<string, Set<string>>, fn: IndexFunc<T>, key: string, obj: T): void {
    for (const value of fn(obj)) {
      let keys = index.get(value);
      if (keys === undefined) {
        keys = new Set();
        index.set(value, keys);
      }
      keys.add(key);
    }
  }

  #unfile(key: string, obj: T): void {
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name) as Map<string, Set<string>>;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
