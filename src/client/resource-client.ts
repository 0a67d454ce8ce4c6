/**
 * Typed CRUD and watch over one resource type, built on RestClient and the URL layout of
 * `resourcePath`. Cluster-scoped types ignore `namespace`; namespaced types require it for
 * single-object verbs and treat it as "all namespaces" when a list or watch leaves it out.
 */
import type { KubeList, KubeObject, Status } from '../api/meta/types.ts';
import type { ResourceType } from '../api/resource-type.ts';
import { apiVersionOf, resourcePath } from '../api/resource-type.ts';
import { ConnectionError } from './errors.ts';
import type { RestClient } from './rest-client.ts';
import type { WatchEvent } from './watch-decoder.ts';
import { decodeWatchStream } from './watch-decoder.ts';

/** Options every call accepts. */
export interface RequestOptions {
  signal?: AbortSignal;
  /**
   * Per-attempt timeout, ms (overrides the RestClient's `requestTimeoutMs`; not used for
   * watches). Unlike an abort through `signal`, a timeout moves the client to the next
   * endpoint and retries there when the request may be repeated.
   */
  timeoutMs?: number;
}

/** Query parameters of a list. */
export interface ListOptions extends RequestOptions {
  /** Leave out for all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** `''` (unset) = most recent; `'0'` = any (may be served from the watch cache). */
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

/** Query parameters of a watch. */
export interface WatchOptions extends RequestOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Only changes after this version; unset = synthetic ADDED events for current state first. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** The server ends the stream cleanly after this many seconds. */
  timeoutSeconds?: number;
}

/** Query parameters of create, update and patch. */
export interface WriteOptions extends RequestOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
}

/** The patch formats, by content type. */
export const PATCH_CONTENT_TYPES = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** `merge`, `json`, `strategic` or `apply` (server-side apply). */
export type PatchType = keyof typeof PATCH_CONTENT_TYPES;

/** Options of a patch. */
export interface PatchOptions extends WriteOptions {
  namespace?: string;
  /** @default 'merge' */
  type?: PatchType;
  /** e.g. `status`. */
  subresource?: string;
  /** Server-side apply only: take ownership of conflicting fields. */
  force?: boolean;
}

/** metav1.DeleteOptions, plus the namespace. */
export interface DeleteOptions extends RequestOptions {
  namespace?: string;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  /** The delete fails with 409 Conflict unless the object still has this uid / version. */
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** DeleteOptions plus the selectors that pick the objects. */
export interface DeleteCollectionOptions extends DeleteOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

/** CRUD, patch, delete and watch of one resource type. */
export class ResourceClient<T extends KubeObject = KubeObject> {
  readonly type: ResourceType;
  readonly #rest: RestClient;

  constructor(rest: RestClient, type: ResourceType) {
    this.#rest = rest;
    this.type = type;
  }

  /** GET one object. @throws ApiError 404 when it does not exist */
  get(name: string, opts: { namespace?: string } & RequestOptions = {}): Promise<T> {
    return this.#rest.requestJson<T>({ method: 'GET', path: this.#objectPath(opts.namespace, name), signal: opts.signal, timeoutMs: opts.timeoutMs });
  }

  /** One page of a list (follow `metadata.continue` for more, or use `listAll`). */
  list(opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.#rest.requestJson<KubeList<T>>({
      method: 'GET',
      path: this.#collectionPath(opts.namespace),
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
        resourceVersion: opts.resourceVersion,
        resourceVersionMatch: opts.resourceVersionMatch,
      },
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
  }

  /**
   * Every page of a list, joined. All pages come from one snapshot (the continue token pins
   * the first page's resourceVersion), so the result's resourceVersion is valid for a watch.
   * @param opts.limit page size @default 500
   */
  async listAll(opts: Omit<ListOptions, 'continue'> = {}): Promise<KubeList<T>> {
    const pageSize = opts.limit ?? 500;
    let page = await this.list({ ...opts, limit: pageSize });
    const items = [...page.items];
    while (page.metadata.continue !== undefined && page.metadata.continue !== '') {
      page = await this.list({ ...opts, resourceVersion: undefined, resourceVersionMatch: undefined, limit: pageSize, continue: page.metadata.continue });
      items.push(...page.items);
    }
    return { ...page, metadata: { resourceVersion: page.metadata.resourceVersion }, items };
  }

  /** POST a new object; the namespace defaults to `obj.metadata.namespace`. */
  create(obj: T, opts: WriteOptions & { namespace?: string } = {}): Promise<T> {
    return this.#rest.requestJson<T>({
      method: 'POST',
      path: this.#collectionPath(this.#requireNamespace(opts.namespace ?? obj.metadata.namespace)),
      query: writeQuery(opts),
      body: this.#withTypeMeta(obj),
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
  }

  /**
   * POST to a subresource of one object that takes a body of its own, e.g. a pod's `binding`
   * or `eviction`. Resolves with the server's answer (often a Status).
   */
  createSubresource<R = unknown>(name: string, subresource: string, body: unknown, opts: WriteOptions & { namespace?: string } = {}): Promise<R> {
    return this.#rest.requestJson<R>({
      method: 'POST',
      path: this.#objectPath(opts.namespace, name, subresource),
      query: writeQuery(opts),
      body,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
  }

  /**
   * PUT the object (compare-and-swap when `metadata.resourceVersion` is set).
   * @throws ApiError 409 Conflict when the object changed since that version
   */
  update(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.#put(obj, undefined, opts);
  }

  /** PUT the `status` subresource. */
  updateStatus(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.#put(obj, 'status', opts);
  }

  /** PUT any subresource that takes the object itself (e.g. a Namespace's `finalize`). */
  updateSubresource(obj: T, subresource: string, opts: WriteOptions = {}): Promise<T> {
    return this.#put(obj, subresource, opts);
  }

  /** PATCH one object (merge patch unless `opts.type` says otherwise). */
  patch(name: string, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    const type = opts.type ?? 'merge';
    return this.#rest.requestJson<T>({
      method: 'PATCH',
      path: this.#objectPath(opts.namespace, name, opts.subresource),
      query: { ...writeQuery(opts), force: opts.force },
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
  }

  /**
   * DELETE one object. The server answers with a Status when the object is gone, or with the
   * object itself (deletionTimestamp set) while finalizers or a grace period hold it.
   */
  delete(name: string, opts: DeleteOptions = {}): Promise<T | Status> {
    return this.#rest.requestJson<T | Status>({
      method: 'DELETE',
      path: this.#objectPath(opts.namespace, name),
      query: { dryRun: opts.dryRun === true ? 'All' : undefined },
      body: deleteBody(opts),
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
  }

  /** DELETE every matching object in a namespace (or cluster-wide for cluster-scoped types). */
  deleteCollection(opts: DeleteCollectionOptions = {}): Promise<Status | KubeList<T>> {
    return this.#rest.requestJson<Status | KubeList<T>>({
      method: 'DELETE',
      path: this.#collectionPath(opts.namespace),
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        dryRun: opts.dryRun === true ? 'All' : undefined,
      },
      body: deleteBody(opts),
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
  }

  /**
   * Opens a watch; resolves once the server accepted it (so an HTTP error such as 410 rejects
   * here). Iteration ends when the server closes the stream or when `opts.signal` aborts;
   * a broken connection makes it throw ConnectionError. Leaving the loop early closes the stream.
   */
  async watch(opts: WatchOptions = {}): Promise<AsyncIterable<WatchEvent<T>>> {
    const stream = await this.#rest.stream({
      method: 'GET',
      path: this.#collectionPath(opts.namespace),
      query: {
        watch: true,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        resourceVersion: opts.resourceVersion,
        allowWatchBookmarks: opts.allowWatchBookmarks === true ? true : undefined,
        timeoutSeconds: opts.timeoutSeconds,
      },
      signal: opts.signal,
    });
    const signal = opts.signal;
    async function* events(): AsyncGenerator<WatchEvent<T>> {
      try {
        yield* decodeWatchStream<T>(stream.body);
      } catch (err) {
        if (signal?.aborted) return;
        if (err instanceof Error && err.name === 'WatchDecodeError') throw err;
        throw new ConnectionError(`Watch stream from ${stream.endpoint} broke: ${(err as Error).message}`, stream.endpoint, err);
      } finally {
        stream.close();
      }
    }
    return events();
  }

  #put(obj: T, subresource: string | undefined, opts: WriteOptions): Promise<T> {
    const name = obj.metadata.name;
    if (name === undefined || name === '') throw new Error(`Cannot update ${this.type.resource}: metadata.name is empty`);
    return this.#rest.requestJson<T>({
      method: 'PUT',
      path: this.#objectPath(obj.metadata.namespace, name, subresource),
      query: writeQuery(opts),
      body: this.#withTypeMeta(obj),
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
  }

  #withTypeMeta(obj: T): T {
    return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(this.type), kind: obj.kind ?? this.type.kind };
  }

  #requireNamespace(namespace: string | undefined): string | undefined {
    if (this.type.namespaced && (namespace === undefined || namespace === '')) {
      throw new Error(`Cannot address ${this.type.resource}: the resource is namespaced and no namespace was given`);
    }
    return this.type.namespaced ? namespace : undefined;
  }

  #objectPath(namespace: string | undefined, name: string, subresource?: string): string {
    return resourcePath(this.type, this.#requireNamespace(namespace), name, subresource);
  }

  #collectionPath(namespace: string | undefined): string {
    return resourcePath(this.type, this.type.namespaced && namespace !== '' ? namespace : undefined);
  }
}

function writeQuery(opts: WriteOptions): Record<string, string | undefined> {
  return {
    dryRun: opts.dryRun === true ? 'All' : undefined,
    fieldManager: opts.fieldManager,
    fieldValidation: opts.fieldValidation,
  };
}

function deleteBody(opts: DeleteOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (opts.propagationPolicy !== undefined) body.propagationPolicy = opts.propagationPolicy;
  if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.preconditions !== undefined) body.preconditions = opts.preconditions;
  if (opts.dryRun === true) body.dryRun = ['All'];
  return body;
}

