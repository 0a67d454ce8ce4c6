/**
 * The set of resources this server serves: one GenericStore per group/version/resource, plus
 * the subresources each exposes (for discovery). Resources can be added, replaced and removed
 * while running (custom resources), so discovery and OpenAPI are computed on demand.
 *
 * Watch caches belong to storage prefixes, not to registrations: the versions of one custom
 * resource share a prefix and so share one cache, and replacing a resource (a CRD that changed)
 * keeps its cache, its history and its watchers. A cache stops when its last resource goes.
 */
import type { Storage } from '../../storage/storage.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { SchemaSet } from '../../api/openapi/schema-types.ts';
import { compareVersionPriority } from '../../api/meta/version-priority.ts';
import { openApiCatalog } from '../openapi-catalog.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import type { UserInfo } from '../authn/authenticator.ts';
import { GenericStore, type NamespaceState, type WriterAdmission } from './generic-store.ts';
import { resourcePrefix } from './keys.ts';
import type { ResourceAllocator, ResourceStrategy } from './strategy.ts';
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

/** What a resource registered at run time brings besides its strategy. */
export interface ServedResourceOptions {
  /** OpenAPI component schemas of the resource's kinds (built-in kinds have theirs in the built-in registry). */
  readonly schemas?: SchemaSet;
  /** A `Warning` every request to the resource gets (a deprecated custom resource version). */
  readonly warning?: string;
}

export interface ServedResource {
  readonly store: GenericStore;
  /** The verbs of the main resource (for discovery and OpenAPI). */
  readonly verbs: readonly string[];
  readonly subresources: readonly SubresourceInfo[];
  /** OpenAPI component schemas this resource adds to the published documents ({} for built-ins). */
  readonly schemas: SchemaSet;
  /** A `Warning` header value every request to this resource gets, if any. */
  readonly warning: string | undefined;
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

/** Main-resource verbs a served resource supports unless its strategy says otherwise. */
const RESOURCE_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

/** The main-resource verbs of a resource served by `strategy`. */
function resourceVerbs(strategy: ResourceStrategy): string[] {
  return RESOURCE_VERBS.filter((v) => v !== 'deletecollection' || strategy.deleteCollection);
}

function keyOf(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

/** The catalog source name of the schemas a served resource brings. */
function schemaSource(key: string): string {
  return `resource:${key}`;
}

export class ApiRegistry {
  readonly #storage: Storage;
  readonly #resources = new Map<string, ServedResource>();
  readonly #createOnly = new Map<string, CreateOnlyResource>();
  /** Watch caches by storage prefix, with the keys of the resources using each. */
  readonly #caches = new Map<string, { cache: WatchCache; users: Set<string> }>();
  readonly #onError: (err: unknown) => void;
  readonly #watchCacheSize: number | undefined;
  readonly #quota: ((type: ResourceType) => ResourceAllocator) | undefined;
  readonly #writerAdmission: ((type: ResourceType) => WriterAdmission | undefined) | undefined;
  #namespaces: GenericStore | undefined;
  #generation = 0;

  /**
   * `watchCacheSize`: events each resource's watch cache keeps for resuming watches.
   * `quota`: the quota admission of a namespaced kind's new objects (run after the kind's own
   * allocator; none by default). `writerAdmission`: a kind's admission by who writes (RBAC's
   * escalation prevention; none by default).
   */
  constructor(
    storage: Storage,
    onError: (err: unknown) => void,
    watchCacheSize?: number,
    options: { quota?: (type: ResourceType) => ResourceAllocator; writerAdmission?: (type: ResourceType) => WriterAdmission | undefined } = {},
  ) {
    this.#storage = storage;
    this.#onError = onError;
    this.#watchCacheSize = watchCacheSize;
    this.#quota = options.quota;
    this.#writerAdmission = options.writerAdmission;
  }

  /**
   * Serves a resource, or replaces the one served under the same group/version/resource (its
   * watch cache is kept). Resolves once the resource's watch cache has loaded, so a resource is
   * never served from an empty cache. Extra subresources are for discovery.
   */
  async add(strategy: ResourceStrategy, extraSubresources: readonly SubresourceInfo[] = [], options: ServedResourceOptions = {}): Promise<ServedResource> {
    const t = strategy.type;
    const key = keyOf(t.group, t.version, t.resource);
    const prefix = resourcePrefix(t);
    let entry = this.#caches.get(prefix);
    if (entry === undefined) {
      entry = {
        cache: new WatchCache(this.#storage, { prefix, onError: this.#onError, historySize: this.#watchCacheSize }),
        users: new Set(),
      };
      this.#caches.set(prefix, entry);
    }
    entry.users.add(key);
    await entry.cache.start();
    const writerAdmission = this.#writerAdmission?.(t);
    const store = new GenericStore(strategy, {
      storage: this.#storage,
      cache: entry.cache,
      namespaceState: (ns) => this.namespaceState(ns),
      ...(t.namespaced && this.#quota !== undefined ? { quota: this.#quota(t) } : {}),
      ...(writerAdmission === undefined ? {} : { writerAdmission }),
    });
    const subresources: SubresourceInfo[] = [];
    if (strategy.hasStatus) subresources.push({ name: 'status', kind: t.kind, verbs: ['get', 'patch', 'update'] });
    if (strategy.scale !== null) subresources.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
    subresources.push(...extraSubresources);
    const served: ServedResource = { store, verbs: resourceVerbs(strategy), subresources, schemas: options.schemas ?? {}, warning: options.warning };
    // Schemas a resource brings (a custom resource's) join the server's catalog, which drives
    // its OpenAPI documents, field validation, patches and server-side apply.
    const catalog = openApiCatalog(this);
    if (Object.keys(served.schemas).length > 0) catalog.putSchemas(schemaSource(key), served.schemas, { strategicMergePatch: strategy.strategicMergePatch });
    else catalog.removeSchemas(schemaSource(key));
    this.#resources.set(key, served);
    this.#generation++;
    if (t.group === '' && t.resource === 'namespaces') this.#namespaces = store;
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

  /**
   * Stops serving a resource (its stored objects are the caller's business). When it was the
   * last resource on its storage prefix, its watches end and its watch cache stops.
   */
  async remove(t: Pick<ResourceType, 'group' | 'version' | 'resource'>): Promise<void> {
    const key = keyOf(t.group, t.version, t.resource);
    if (!this.#resources.delete(key)) return;
    openApiCatalog(this).removeSchemas(schemaSource(key));
    this.#generation++;
    const prefix = resourcePrefix(t);
    const entry = this.#caches.get(prefix);
    entry?.users.delete(key);
    if (entry !== undefined && entry.users.size === 0) {
      this.#caches.delete(prefix);
      entry.cache.endWatches();
      await entry.cache.stop();
    }
  }

  /** Changes whenever a resource is added, replaced or removed (for caches of derived documents). */
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

  /**
   * Group → versions, in Kubernetes' version priority order (the first is preferred), groups in
   * registration order. Core group is ''.
   */
  groupVersions(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const types = [...[...this.#resources.values()].map((r) => r.store.strategy.type), ...[...this.#createOnly.values()].map((r) => r.type)];
    for (const { group, version } of types) {
      const versions = out.get(group) ?? [];
      if (!versions.includes(version)) versions.push(version);
      out.set(group, versions);
    }
    for (const versions of out.values()) versions.sort(compareVersionPriority);
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
    const caches = [...this.#caches.values()].map((e) => e.cache);
    this.#caches.clear();
    await Promise.all(caches.map((c) => c.stop()));
  }
}
