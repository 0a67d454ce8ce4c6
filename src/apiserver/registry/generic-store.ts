/**
 * The generic store: create, read, update, delete and list for any resource, over the Storage
 * interface, with the kind-specific parts delegated to a ResourceStrategy. It speaks objects and
 * throws ApiErrors; the HTTP handlers translate requests into these calls.
 *
 * Writes are compare-and-swap on the key's modRevision. An update whose client named a
 * resourceVersion fails with 409 on a mismatch; one that did not (a patch, an update without
 * resourceVersion) is retried on the fresh object, as Kubernetes' GuaranteedUpdate does.
 */
import { randomUUID } from 'node:crypto';
import type { FieldError, KubeList, KubeObject } from '../../api/meta/types.ts';
import { randomNameSuffix } from '../../api/meta/name-suffix.ts';
import { apiVersionOf } from '../../api/resource-type.ts';
import type { UserInfo } from '../authn/authenticator.ts';
import { CompactedError, ConflictError, FutureRevisionError, KeyExistsError, KeyNotFoundError, StorageUnavailableError } from '../../storage/errors.ts';
import type { KeyValue, Storage } from '../../storage/storage.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  expired,
  forbidden,
  invalid,
  modifiedConflict,
  notFound,
  serviceUnavailable,
  timeout,
} from '../errors.ts';
import { decodeObject, encodeObject } from './codec.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { collectionPrefix, objectKey } from './keys.ts';
import type { ListOptions } from './list-options.ts';
import { validateNewObjectMeta, validateObjectMetaUpdate } from './meta-rules.ts';
import { buildObjectFilter } from './object-filter.ts';
import type { Reservation, ResourceAllocator, ResourceStrategy } from './strategy.ts';
import type { WatchCache } from './watch-cache.ts';

/** Whether a namespace can take new objects. */
export type NamespaceState = 'active' | 'terminating' | 'missing';

export interface GenericStoreDeps {
  readonly storage: Storage;
  readonly cache: WatchCache;
  /** Looks up a namespace's lifecycle state (namespace lifecycle admission). */
  readonly namespaceState: (namespace: string) => Promise<NamespaceState>;
  /** Quota admission, run after the strategy's allocator (ResourceQuota charges). Default: none. */
  readonly quota?: ResourceAllocator;
  /** Admission by who writes (RBAC escalation prevention). Default: none. */
  readonly writerAdmission?: WriterAdmission;
  readonly now?: () => Date;
}

export interface WriteOptions {
  /** dryRun=All: run everything but do not persist. */
  readonly dryRun: boolean;
  /**
   * Records who changed what in `next.metadata.managedFields` (server-side apply's field
   * ownership): called with the object about to be stored, once defaulted and validated, and
   * the stored one (undefined on create). Without it, managedFields stay as the object has them.
   */
  readonly trackFields?: (next: KubeObject, current: KubeObject | undefined) => void;
  /**
   * Who asked for the write (a client's request); writer admission checks them. The server's
   * own writes (bootstrap objects, system updates) carry none and are trusted.
   */
  readonly user?: UserInfo;
}

/**
 * Admission that depends on who writes: RBAC's escalation prevention (a user may grant only
 * permissions they hold). Runs on creates and on updates of the main resource that carry the
 * writer, after validation, dry runs included; refuses by throwing an ApiError (403).
 */
export interface WriterAdmission {
  /** `current` is undefined on create. */
  admit(next: KubeObject, current: KubeObject | undefined, user: UserInfo): Promise<void>;
}

export interface DeleteOptions extends WriteOptions {
  readonly gracePeriodSeconds: number | undefined;
  readonly preconditions: { uid?: string; resourceVersion?: string } | undefined;
  /** What happens to the object's dependents (see finalizersForPropagation). @default as the object's finalizers say */
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' | undefined;
}

/** Finalizer the garbage collector removes once the dependents are orphaned (propagationPolicy Orphan). */
export const ORPHAN_FINALIZER = 'orphan';
/** Finalizer the garbage collector removes once the blocking dependents are gone (propagationPolicy Foreground). */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/**
 * The finalizers an object has once a DELETE with `policy` starts: Orphan adds `orphan`,
 * Foreground adds `foregroundDeletion`, Background removes both; no policy leaves them as they
 * are (a pending orphaning or foreground deletion carries on; otherwise dependents go in the
 * background, the default of every built-in kind). The garbage collector does the rest.
 */
export function finalizersForPropagation(finalizers: readonly string[], policy: DeleteOptions['propagationPolicy']): string[] {
  if (policy === undefined) return [...finalizers];
  const rest = finalizers.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (policy === 'Orphan') rest.push(ORPHAN_FINALIZER);
  if (policy === 'Foreground') rest.push(FOREGROUND_FINALIZER);
  return rest;
}

/**
 * The finalizers of a stored object. One stored before the apiserver checked JSON types may
 * hold something else (`"finalizers": "x"`); it counts as having none, so it can be deleted.
 */
function storedFinalizers(obj: KubeObject): string[] {
  const finalizers: unknown = obj.metadata.finalizers;
  return Array.isArray(finalizers) ? finalizers.filter((f): f is string => typeof f === 'string') : [];
}

export interface DeleteResult {
  /** The object: the deleted state, or the state with deletionTimestamp when deletion is pending. */
  readonly object: KubeObject;
  /** True when the object is gone now; false when deletion waits for finalizers or a grace period. */
  readonly deleted: boolean;
}

/**
 * What an update writes: the main resource, the status subresource, or a server-defined
 * subresource (`system`: pods/binding, namespaces/finalize) whose handler decides exactly what
 * changes, so the strategy's prepare and kind validation (which would refuse, e.g., a change of
 * an immutable pod spec field) do not apply.
 */
export type UpdateTarget = 'main' | 'status' | 'system';

/** Retries of an unconditional update that keeps losing compare-and-swap races. */
const MAX_UPDATE_ATTEMPTS = 16;

/** RFC 3339 with second precision, as Kubernetes writes timestamps. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Maps storage failures that are not the client's fault to 5xx ApiErrors; rethrows the rest. */
export function storageFailure(err: unknown): never {
  if (err instanceof ApiError) throw err;
  if (err instanceof StorageUnavailableError) throw serviceUnavailable(`storage is unavailable: ${err.message}`);
  if (err instanceof FutureRevisionError) {
    throw timeout(`Too large resource version: ${err.requestedRevision}, current: ${err.currentRevision}`, 1);
  }
  throw err;
}

export class GenericStore {
  readonly strategy: ResourceStrategy;
  readonly #storage: Storage;
  readonly #cache: WatchCache;
  readonly #namespaceState: (namespace: string) => Promise<NamespaceState>;
  readonly #quota: ResourceAllocator | undefined;
  readonly #writerAdmission: WriterAdmission | undefined;
  readonly #now: () => Date;
  /** What `present` made of each stored object (weakly held, so it goes with the object). */
  readonly #presented = new WeakMap<KubeObject, KubeObject>();

  constructor(strategy: ResourceStrategy, deps: GenericStoreDeps) {
    this.strategy = strategy;
    this.#storage = deps.storage;
    this.#cache = deps.cache;
    this.#namespaceState = deps.namespaceState;
    this.#quota = deps.quota;
    this.#writerAdmission = deps.writerAdmission;
    this.#now = deps.now ?? (() => new Date());
  }

  get cache(): WatchCache {
    return this.#cache;
  }

  #key(namespace: string, name: string): string {
    return objectKey(this.strategy.type, namespace, name);
  }

  /** Sets apiVersion and kind, which stored objects and clients' bodies may omit. */
  withTypeMeta(obj: KubeObject): KubeObject {
    obj.apiVersion = apiVersionOf(this.strategy.type);
    obj.kind = this.strategy.type.kind;
    return obj;
  }

  /**
   * A stored (or cached) object as this resource's version presents it, without modifying it:
   * the object itself when the strategy's `fromStorage` keeps it and its apiVersion is already
   * this version's, otherwise a copy (the versions of a custom resource share their objects; the
   * copy is made once per object, so watch events are still serialised once per version).
   */
  present(obj: KubeObject): KubeObject {
    let out = this.#presented.get(obj);
    if (out !== undefined) return out;
    out = this.strategy.fromStorage(obj);
    const apiVersion = apiVersionOf(this.strategy.type);
    if (out.apiVersion !== apiVersion || out.kind !== this.strategy.type.kind) out = { ...out, apiVersion, kind: this.strategy.type.kind };
    this.#presented.set(obj, out);
    return out;
  }

  /** A freshly decoded stored object as this resource serves it (the object may be modified). */
  #read(kv: KeyValue): KubeObject {
    return this.withTypeMeta(this.strategy.fromStorage(decodeObject(kv)));
  }

  /** The bytes to store for `obj`: the strategy's storage form, with the storage version as apiVersion. */
  #encode(obj: KubeObject): Uint8Array {
    const t = this.strategy.type;
    if (this.strategy.storageVersion === t.version) return encodeObject(this.strategy.toStorage(obj));
    return encodeObject({ ...this.strategy.toStorage(obj), apiVersion: apiVersionOf({ group: t.group, version: this.strategy.storageVersion }) });
  }

  async get(namespace: string, name: string): Promise<KubeObject> {
    const kv = await this.#getKv(namespace, name);
    return this.#read(kv);
  }

  /**
   * The object as `get` reads it, for a reader that never modifies it (a GET answer). It is read
   * from storage all the same, so it is exactly as current; but when the watch cache already
   * holds that revision of the object, the cached object is returned as `present` shows it, which
   * spares decoding it again and, with `serialize`, encoding it again for every reader.
   */
  async getShared(namespace: string, name: string): Promise<KubeObject> {
    const kv = await this.#getKv(namespace, name);
    const cached = this.#cache.get(kv.key);
    if (cached !== undefined && cached.metadata.resourceVersion === String(kv.modRevision)) return this.present(cached);
    return this.#read(kv);
  }

  async #getKv(namespace: string, name: string): Promise<KeyValue> {
    let result;
    try {
      result = await this.#storage.get(this.#key(namespace, name));
    } catch (err) {
      storageFailure(err);
    }
    if (result.kv === undefined) throw notFound(this.strategy.type, name);
    return result.kv;
  }

  /** Lists objects of `namespace` ('' = all) per the list options. */
  async list(namespace: string, opts: ListOptions): Promise<KubeList> {
    const type = this.strategy.type;
    const filter = buildObjectFilter(this.strategy, opts.labelSelector, opts.fieldSelector);
    const prefix = collectionPrefix(type, namespace);
    const listMeta: KubeList['metadata'] = {};
    let items: KubeObject[];

    const fromCache =
      opts.continueToken === '' &&
      opts.resourceVersionMatch !== 'Exact' &&
      opts.resourceVersion !== undefined &&
      (opts.resourceVersion === 0 || this.#cache.revision >= opts.resourceVersion);
    if (fromCache) {
      // Served from the watch cache: already at least as new as asked; pagination does not apply.
      items = this.#cache.list(prefix).map((obj) => this.present(obj)).filter(filter);
      listMeta.resourceVersion = String(this.#cache.revision);
    } else {
      let revision: number | undefined;
      let startKey: string | undefined;
      if (opts.continueToken !== '') {
        const pos = decodeContinue(opts.continueToken, prefix);
        revision = pos.revision;
        startKey = pos.startKey;
      } else if (opts.resourceVersionMatch === 'Exact') {
        revision = opts.resourceVersion;
      }
      const page = await this.#listFromStorage(prefix, filter, opts.limit, revision, startKey, opts.continueToken !== '');
      items = page.items;
      listMeta.resourceVersion = String(page.revision);
      if (opts.resourceVersion !== undefined && opts.resourceVersionMatch !== 'Exact' && page.revision < opts.resourceVersion) {
        throw timeout(`Too large resource version: ${opts.resourceVersion}, current: ${page.revision}`, 1);
      }
      if (page.nextKey !== undefined) listMeta.continue = encodeContinue({ revision: page.revision, startKey: page.nextKey });
    }
    return {
      apiVersion: apiVersionOf(type),
      kind: type.listKind,
      metadata: listMeta,
      items: items,
    };
  }

  async #listFromStorage(
    prefix: string,
    filter: (obj: KubeObject) => boolean,
    limit: number,
    revision: number | undefined,
    startKey: string | undefined,
    continuing: boolean,
  ): Promise<{ items: KubeObject[]; revision: number; nextKey: string | undefined }> {
    const items: KubeObject[] = [];
    let atRevision = revision;
    let from = startKey;
    // With a limit, read pages of the remaining size at one fixed revision until the page is full.
    for (;;) {
      let result;
      try {
        result = await this.#storage.list(prefix, {
          ...(atRevision !== undefined ? { revision: atRevision } : {}),
          ...(limit > 0 ? { limit: limit - items.length } : {}),
          ...(from !== undefined ? { startKey: from } : {}),
        });
      } catch (err) {
        if (err instanceof CompactedError) {
          throw expired(
            continuing
              ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'
              : `too old resource version: ${err.requestedRevision} (${err.compactRevision})`,
          );
        }
        storageFailure(err);
      }
      atRevision = result.revision;
      for (const kv of result.kvs) {
        const obj = this.#read(kv);
        if (filter(obj)) items.push(obj);
      }
      const last = result.kvs[result.kvs.length - 1];
      if (!result.more || last === undefined) return { items, revision: result.revision, nextKey: undefined };
      from = `${last.key}\u0000`;
      if (limit > 0 && items.length >= limit) return { items, revision: result.revision, nextKey: from };
    }
  }

  /** Fills server-owned metadata and checks a new object; returns it ready to store. */
  async #prepareCreate(namespace: string, obj: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const type = this.strategy.type;
    this.#checkTypeMeta(obj);
    this.withTypeMeta(obj);
    const meta = obj.metadata;
    if (type.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace;
    } else {
      delete meta.namespace;
    }
    if ((meta.name === undefined || meta.name === '') && meta.generateName !== undefined && meta.generateName !== '') {
      meta.name = meta.generateName + randomNameSuffix();
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = formatTimestamp(this.#now());
    meta.generation = 1;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    const requested = opts.trackFields === undefined ? undefined : structuredClone(obj);
    this.strategy.prepareForCreate(obj);
    this.strategy.applyDefaults(obj);
    await this.strategy.admitCreate(obj);
    const errors: FieldError[] = [...validateNewObjectMeta(this.strategy, obj), ...this.strategy.validateCreate(obj)];
    if (errors.length > 0) throw invalid(type.group, type.kind, meta.name ?? '', errors);
    if (opts.user !== undefined) await this.#writerAdmission?.admit(obj, undefined, opts.user);
    if (requested !== undefined) {
      // The writer owns what it sent, defaults included, but not what the server generates on
      // create (a job's selector, a pod's service account), as upstream records ownership
      // before the strategy prepares the object.
      this.strategy.applyDefaults(requested);
      opts.trackFields!(requested, undefined);
      if (requested.metadata.managedFields === undefined) delete obj.metadata.managedFields;
      else obj.metadata.managedFields = requested.metadata.managedFields;
    }
    if (type.namespaced) {
      const state = await this.#namespaceState(namespace);
      if (state === 'missing') throw notFound({ group: '', resource: 'namespaces' }, namespace);
      if (state === 'terminating') {
        throw forbidden(`${type.resource} "${meta.name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
          name: meta.name ?? '',
          group: type.group,
          kind: type.resource,
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
        });
      }
    }
    return obj;
  }

  /** Rejects a body whose apiVersion or kind names another type (both may be omitted). */
  #checkTypeMeta(obj: KubeObject): void {
    const type = this.strategy.type;
    const expected = apiVersionOf(type);
    if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== expected) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
    }
    if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== type.kind) {
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${type.kind})`);
    }
  }

  /** Creates an object in `namespace`; 409 AlreadyExists if its name is taken. */
  async create(namespace: string, obj: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const generated = (obj.metadata.name === undefined || obj.metadata.name === '') && obj.metadata.generateName !== undefined;
    for (let attempt = 0; ; attempt++) {
      const candidate = await this.#prepareCreate(namespace, attempt === 0 ? obj : { ...obj, metadata: { ...obj.metadata, name: '' } }, opts);
      const name = candidate.metadata.name!;
      if (opts.dryRun) {
        if (await this.#exists(namespace, name)) throw alreadyExists(this.strategy.type, name);
        await (await this.#reserve(candidate, undefined, true)).rollback();
        return candidate;
      }
      const reservation = await this.#reserve(candidate, undefined, false);
      try {
        const result = await this.#storage.create(this.#key(namespace, name), this.#encode(candidate));
        candidate.metadata.resourceVersion = String(result.revision);
        await reservation.commit();
        return candidate;
      } catch (err) {
        await reservation.rollback();
        // A generated name that collides gets a fresh suffix, a few times, as upstream retries.
        if (err instanceof KeyExistsError && generated && attempt < 8) continue;
        if (err instanceof KeyExistsError) throw alreadyExists(this.strategy.type, name);
        storageFailure(err);
      }
    }
  }

  async #exists(namespace: string, name: string): Promise<boolean> {
    try {
      return (await this.#storage.get(this.#key(namespace, name))).kv !== undefined;
    } catch (err) {
      storageFailure(err);
    }
  }

  /**
   * Replaces an object with `obj` (PUT). A `metadata.resourceVersion` in the body is a
   * precondition (409 on mismatch); without one the update applies to the latest state.
   */
  async update(namespace: string, name: string, obj: KubeObject, target: UpdateTarget, opts: WriteOptions): Promise<KubeObject> {
    this.#checkTypeMeta(obj);
    const meta = obj.metadata;
    this.#checkAddress(meta, namespace, name);
    const precondition = meta.resourceVersion !== undefined && meta.resourceVersion !== '' ? meta.resourceVersion : undefined;
    return this.guaranteedUpdate(namespace, name, target, opts, precondition, () => structuredClone(obj));
  }

  /** Rejects (400) an object body whose name or namespace, where set, is not the one the request names. */
  #checkAddress(meta: KubeObject['metadata'], namespace: string, name: string): void {
    if (meta.name !== undefined && meta.name !== '' && meta.name !== name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    if (this.strategy.type.namespaced && meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }

  /**
   * The one update loop: reads the current object, asks `mutate` for the next state (given a
   * private copy of the current one), runs the strategy and validation, and writes with
   * compare-and-swap, retrying on a lost race unless `precondition` pins a resourceVersion.
   * An update that changes nothing is not written (no new resourceVersion, no watch event).
   */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    target: UpdateTarget,
    opts: WriteOptions,
    precondition: string | undefined,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
  ): Promise<KubeObject> {
    const type = this.strategy.type;
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const kv = await this.#getKv(namespace, name);
      const current = this.#read(kv);
      if (precondition !== undefined && precondition !== current.metadata.resourceVersion) {
        throw modifiedConflict(type, name);
      }
      const next = await mutate(structuredClone(current));
      if (typeof next !== 'object' || next === null || typeof next.metadata !== 'object' || next.metadata === null) {
        throw badRequest('the object has no metadata');
      }
      this.#checkTypeMeta(next);
      // A patch may rename the object or change its uid: refuse, as a PUT body doing so is.
      this.#checkAddress(next.metadata, namespace, name);
      const uid = next.metadata.uid;
      if (uid !== undefined && uid !== '' && uid !== current.metadata.uid) {
        // A uid in the body pins the object: a manifest of one deleted and recreated since must not overwrite the new one.
        throw conflict(type, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
      }
      this.withTypeMeta(next);
      this.#keepServerMetadata(next, current);
      if (target === 'status') this.strategy.prepareForStatusUpdate(next, current);
      else if (target === 'main') this.strategy.prepareForUpdate(next, current);
      this.strategy.applyDefaults(next);
      const errors = validateObjectMetaUpdate(this.strategy, next, current);
      if (target !== 'system') errors.push(...this.strategy.validateUpdate(next, current));
      if (errors.length > 0) throw invalid(type.group, type.kind, name, errors);
      if (target === 'main' && opts.user !== undefined) await this.#writerAdmission?.admit(next, current, opts.user);
      if (target === 'main' && this.strategy.changesGeneration(next, current)) {
        next.metadata.generation = (current.metadata.generation ?? 1) + 1;
      }

      next.metadata.resourceVersion = current.metadata.resourceVersion;
      opts.trackFields?.(next, current);
      // Deletion in progress and nothing left to wait for: this update completes the delete.
      const removes = next.metadata.deletionTimestamp !== undefined && this.#readyToRemove(next);
      const reservation = await this.#reserve(removes ? undefined : next, current, opts.dryRun);
      if (deepEqual(next, current) || opts.dryRun) {
        await reservation.rollback();
        return deepEqual(next, current) ? current : next;
      }

      if (removes) {
        try {
          const result = await this.#storage.delete(kv.key, kv.modRevision);
          next.metadata.resourceVersion = String(result.revision);
          await reservation.commit();
          return next;
        } catch (err) {
          await reservation.rollback();
          if (err instanceof ConflictError && precondition === undefined) continue;
          if (err instanceof ConflictError) throw modifiedConflict(type, name);
          if (err instanceof KeyNotFoundError) throw notFound(type, name);
          storageFailure(err);
        }
      }
      try {
        const result = await this.#storage.update(kv.key, this.#encode(next), kv.modRevision);
        next.metadata.resourceVersion = String(result.revision);
        await reservation.commit();
        return next;
      } catch (err) {
        await reservation.rollback();
        if (err instanceof ConflictError && precondition === undefined) continue;
        if (err instanceof ConflictError) throw modifiedConflict(type, name);
        if (err instanceof KeyNotFoundError) throw notFound(type, name);
        storageFailure(err);
      }
    }
    throw conflict(type, name, 'too many concurrent updates; please try again');
  }

  /** Metadata only the server may change survives any update; new finalizers are refused once deleting. */
  #keepServerMetadata(next: KubeObject, current: KubeObject): void {
    const m = next.metadata;
    const c = current.metadata;
    if (this.strategy.type.namespaced) m.namespace = c.namespace;
    else delete m.namespace;
    m.name = c.name;
    m.uid = c.uid;
    m.creationTimestamp = c.creationTimestamp;
    m.generation = c.generation;
    if (c.generateName !== undefined) m.generateName = c.generateName;
    else delete m.generateName;
    if (c.deletionTimestamp !== undefined) {
      m.deletionTimestamp = c.deletionTimestamp;
      const added = (m.finalizers ?? []).filter((f) => !(c.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw invalid(this.strategy.type.group, this.strategy.type.kind, c.name ?? '', [
          {
            type: 'FieldValueForbidden',
            field: 'metadata.finalizers',
            detail: `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
          },
        ]);
      }
    } else delete m.deletionTimestamp;
    if (c.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = c.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
  }

  /**
   * Asks the strategy's allocator, then quota admission, for what a write needs; their failures
   * reach the client (403, 422, 500, 503), and a quota refusal gives back what the allocator took.
   */
  async #reserve(next: KubeObject | undefined, current: KubeObject | undefined, dryRun: boolean): Promise<Reservation> {
    let own: Reservation;
    try {
      own = await this.strategy.allocator.reserve(next, current, dryRun);
    } catch (err) {
      storageFailure(err);
    }
    if (this.#quota === undefined) return own;
    let quota: Reservation;
    try {
      quota = await this.#quota.reserve(next, current, dryRun);
    } catch (err) {
      await own.rollback();
      storageFailure(err);
    }
    // Reservations do not throw (see Reservation), but each must run even if the other did.
    return {
      commit: async () => {
        try {
          await own.commit();
        } finally {
          await quota.commit();
        }
      },
      rollback: async () => {
        try {
          await own.rollback();
        } finally {
          await quota.rollback();
        }
      },
    };
  }

  /** Gives back what a removed object held in shared pools. */
  async #released(removed: KubeObject): Promise<void> {
    await (await this.#reserve(undefined, removed, false)).commit();
  }

  /** Whether an object being deleted has nothing left that blocks its removal. */
  #readyToRemove(obj: KubeObject): boolean {
    return (
      (obj.metadata.finalizers ?? []).length === 0 &&
      this.strategy.deletionBlockers(obj).length === 0 &&
      (obj.metadata.deletionGracePeriodSeconds ?? 0) === 0
    );
  }

  /**
   * Deletes an object: at once, or — when it has finalizers, deletion blockers or a grace
   * period — by setting deletionTimestamp and leaving the rest to whoever owns those.
   */
  async delete(namespace: string, name: string, opts: DeleteOptions): Promise<DeleteResult> {
    const type = this.strategy.type;
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const kv = await this.#getKv(namespace, name);
      const current = this.#read(kv);
      const pre = opts.preconditions;
      if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
        throw conflict(type, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      }
      if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw conflict(
          type,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${current.metadata.resourceVersion}`,
        );
      }
      this.strategy.admitDelete(current);
      const grace = this.strategy.gracePeriodSeconds(current, opts.gracePeriodSeconds);
      const finalizers = finalizersForPropagation(storedFinalizers(current), opts.propagationPolicy);
      const blocked = finalizers.length > 0 || this.strategy.deletionBlockers(current).length > 0;
      const next = structuredClone(current);
      if (finalizers.length > 0) next.metadata.finalizers = finalizers;
      else delete next.metadata.finalizers;
      if (!blocked && grace === 0) {
        if (opts.dryRun) return { object: current, deleted: true };
        try {
          const result = await this.#storage.delete(kv.key, kv.modRevision);
          current.metadata.resourceVersion = String(result.revision);
          await this.#released(current);
          return { object: current, deleted: true };
        } catch (err) {
          if (err instanceof ConflictError) continue;
          if (err instanceof KeyNotFoundError) throw notFound(type, name);
          storageFailure(err);
        }
      }
      const meta = next.metadata;
      if (meta.deletionTimestamp === undefined) {
        meta.deletionTimestamp = formatTimestamp(new Date(this.#now().getTime() + grace * 1000));
        meta.deletionGracePeriodSeconds = grace;
        this.strategy.beginDeletion(next);
      } else if (meta.deletionGracePeriodSeconds !== undefined && grace < meta.deletionGracePeriodSeconds) {
        // A shorter grace period may cut a pending graceful deletion short, never lengthen it.
        meta.deletionGracePeriodSeconds = grace;
        meta.deletionTimestamp = formatTimestamp(new Date(this.#now().getTime() + grace * 1000));
      }
      if (deepEqual(next, current) || opts.dryRun) return { object: next, deleted: false };
      if (this.#readyToRemove(next)) {
        try {
          const result = await this.#storage.delete(kv.key, kv.modRevision);
          next.metadata.resourceVersion = String(result.revision);
          await this.#released(current);
          return { object: next, deleted: true };
        } catch (err) {
          if (err instanceof ConflictError) continue;
          if (err instanceof KeyNotFoundError) throw notFound(type, name);
          storageFailure(err);
        }
      }
      try {
        const result = await this.#storage.update(kv.key, this.#encode(next), kv.modRevision);
        next.metadata.resourceVersion = String(result.revision);
        return { object: next, deleted: false };
      } catch (err) {
        if (err instanceof ConflictError) continue;
        if (err instanceof KeyNotFoundError) throw notFound(type, name);
        storageFailure(err);
      }
    }
    throw conflict(type, name, 'too many concurrent updates; please try again');
  }
}
