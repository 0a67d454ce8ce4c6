/**
 * The set of resources this server serves: one GenericStore and WatchCache per resource type,
 * looked up by group/version/resource, plus the subresources each exposes (for discovery).
 * Resources can be added while running (custom resources), so discovery is computed on demand.
 */
import type { Storage } from '../../storage/storage.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import type { UserInfo } from '../authn/authenticator.ts';
import { GenericStore, type NamespaceState } from './generic-store.ts';
import { resourcePrefix } from './keys.ts';
import type { ResourceStrategy } from './strategy.ts';
import { WatchCache } from './watch-cache.ts';

/** A subresource as discovery describes it. */
export interface SubresourceInfo {
  readonly name: string;
  readonly kind: string;
  /** The group/version of `kind` when it differs from the parent's (scale: autoscaling/v1). */
  readonly group?: string;
  readonly version?: string;
  readonly verbs: readonly string[];
}

export interface ServedResource {
  readonly store: GenericStore;
  readonly subresources: readonly SubresourceInfo[];
}

/**
 * A resource that is never stored: each create is a question the server answers in the
 * response (access reviews, SelfSubjectReview). Only `create` is served.
 */
export interface CreateOnlyResource {
  readonly type: ResourceType;
  /** The answer to a create of `body` (already decoded and type-checked), sent with 201. */
  create(request: CreateOnlyRequest): Promise<KubeObject>;
}

export interface CreateOnlyRequest {
  readonly user: UserInfo;
  /** The namespace of the URL ('' for cluster-scoped resources). */
  readonly namespace: string;
  readonly body: KubeObject;
}

/** Main-resource verbs every served resource supports. */
export const RESOURCE_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

function keyOf(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

export class ApiRegistry {
  readonly #storage: Storage;
  readonly #resources = new Map<string, ServedResource>();
  readonly #createOnly = new Map<string, CreateOnlyResource>();
  readonly #onError: (err: unknown) => void;
  readonly #watchCacheSize: number | undefined;
  #namespaces: GenericStore | undefined;
  #generation = 0;

  /** `watchCacheSize`: events each resource's watch cache keeps for resuming watches. */
  constructor(storage: Storage, onError: (err: unknown) => void, watchCacheSize?: number) {
    this.#storage = storage;
    this.#onError = onError;
    this.#watchCacheSize = watchCacheSize;
  }

  /** Adds a resource (its watch cache starts loading at once); extra subresources are for discovery. */
  async add(strategy: ResourceStrategy, extraSubresources: readonly SubresourceInfo[] = []): Promise<ServedResource> {
    const t = strategy.type;
    const cache = new WatchCache(this.#storage, { prefix: resourcePrefix(t), onError: this.#onError, historySize: this.#watchCacheSize });
    const store = new GenericStore(strategy, {
      storage: this.#storage,
      cache,
      namespaceState: (ns) => this.namespaceState(ns),
    });
    const subresources: SubresourceInfo[] = [];
    if (strategy.hasStatus) subresources.push({ name: 'status', kind: t.kind, verbs: ['get', 'patch', 'update'] });
    if (strategy.scale !== null) subresources.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
    subresources.push(...extraSubresources);
    const served = { store, subresources };
    this.#resources.set(keyOf(t.group, t.version, t.resource), served);
    this.#generation++;
    if (t.group === '' && t.resource === 'namespaces') this.#namespaces = store;
    await cache.start();
    return served;
  }

  /** Adds a create-only resource (served at once; nothing to load). */
  addCreateOnly(resource: CreateOnlyResource): void {
    const t = resource.type;
    this.#createOnly.set(keyOf(t.group, t.version, t.resource), resource);
    this.#generation++;
  }

  lookupCreateOnly(group: string, version: string, resource: string): CreateOnlyResource | undefined {
    return this.#createOnly.get(keyOf(group, version, resource));
  }

  /** Every create-only resource, in registration order. */
  createOnly(): CreateOnlyResource[] {
    return [...this.#createOnly.values()];
  }

  /** Stops serving a resource (its stored objects are the caller's business). */
  async remove(t: Pick<ResourceType, 'group' | 'version' | 'resource'>): Promise<void> {
    const key = keyOf(t.group, t.version, t.resource);
    const served = this.#resources.get(key);
    this.#resources.delete(key);
    this.#generation++;
    await served?.store.cache.stop();
  }

  /** Changes whenever a resource is added or removed (for caches of derived documents). */
  get generation(): number {
    return this.#generation;
  }

  lookup(group: string, version: string, resource: string): ServedResource | undefined {
    return this.#resources.get(keyOf(group, version, resource));
  }

  /** Every served resource, in registration order. */
  all(): ServedResource[] {
    return [...this.#resources.values()];
  }

  /** Group → versions (in registration order; the first is preferred). Core group is ''. */
  groupVersions(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const types = [...[...this.#resources.values()].map((r) => r.store.strategy.type), ...[...this.#createOnly.values()].map((r) => r.type)];
    for (const { group, version } of types) {
      const versions = out.get(group) ?? [];
      if (!versions.includes(version)) versions.push(version);
      out.set(group, versions);
    }
    return out;
  }

  /** The namespaces store (always served). */
  get namespaces(): GenericStore {
    if (this.#namespaces === undefined) throw new Error('namespaces are not registered');
    return this.#namespaces;
  }

  /**
   * Namespace lifecycle: answered from the namespaces watch cache, falling back to storage when
   * the cache has not seen the namespace yet (it may have been created a moment ago).
   */
  async namespaceState(namespace: string): Promise<NamespaceState> {
    const store = this.namespaces;
    let ns = store.cache.get(`/registry/namespaces/${namespace}`);
    if (ns === undefined) {
      try {
        ns = await store.get('', namespace);
      } catch {
        return 'missing';
      }
    }
    return ns.metadata.deletionTimestamp !== undefined ? 'terminating' : 'active';
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#resources.values()].map((r) => r.store.cache.stop()));
  }
}
