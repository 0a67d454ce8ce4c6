/**
 * A resource strategy: everything that differs between kinds, so the generic store
 * (generic-store.ts) is written once. Adding a resource is one strategy object registered in
 * resources/index.ts. Every method is required: `defineStrategy` fills in the common behaviour
 * for a kind that needs nothing special, so the store never checks for missing hooks.
 */
import type { FieldError, KubeObject } from '../../api/meta/types.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import type { NameValidator } from '../../api/validation/names.ts';

/** One column of a server-side Table (meta.k8s.io/v1 TableColumnDefinition). */
export interface TableColumn {
  readonly name: string;
  /** OpenAPI type: `string`, `integer`, `number`, `boolean`, `date`. */
  readonly type: string;
  readonly format?: string;
  readonly description?: string;
  /** 0 = shown by default; >0 = shown only with `-o wide`. */
  readonly priority: number;
}

/** How the `scale` subresource maps onto the object (autoscaling/v1 Scale). */
export interface ScaleMapping {
  /** Reads spec replicas (default 1 when unset). */
  specReplicas(obj: KubeObject): number;
  /** Reads status.replicas. */
  statusReplicas(obj: KubeObject): number;
  /** The label selector as a string (status.selector of Scale), e.g. `app=web`. */
  selector(obj: KubeObject): string;
  /** Writes spec replicas into obj (mutates). */
  setSpecReplicas(obj: KubeObject, replicas: number): void;
}

/**
 * What one write takes from or gives back to the shared pools an object holds outside itself (a
 * Service's cluster IP and node ports). The store writes the object only after `reserve`
 * succeeded, then calls exactly one of these: `commit` once the write is stored, `rollback` when
 * it failed (or was a dry run, or changed nothing). Neither throws: a pool record that cannot be
 * given back is logged and left for repair.
 */
export interface Reservation {
  /** The write is stored: give back what the old object held and the new one does not. */
  commit(): Promise<void>;
  /** The write did not happen: give back what `reserve` took. */
  rollback(): Promise<void>;
}

/**
 * The pools a kind allocates from. Called by the generic store after validation and before every
 * write: create (`current` undefined), update, and removal (`next` undefined, after the object is
 * gone from storage). `reserve` fills what it allocates into `next` (e.g. spec.clusterIP).
 * @throws ApiError: 422 for a requested value that is taken or outside the pool, 500 when a pool is full
 */
export interface ResourceAllocator {
  reserve(next: KubeObject | undefined, current: KubeObject | undefined, dryRun: boolean): Promise<Reservation>;
}

export interface ResourceStrategy {
  readonly type: ResourceType;
  /**
   * The version objects are stored in (their apiVersion in storage). Reads and watches present
   * them in `type.version`; only custom resources with several versions make the two differ.
   */
  readonly storageVersion: string;
  /**
   * Whether PATCH takes strategic merge patches. Custom resources do not (415, as upstream), so
   * kubectl falls back to JSON merge patches for them.
   */
  readonly strategicMergePatch: boolean;
  /** The rule for metadata.name (DNS-1123 subdomain for most kinds; labels for namespaces, DNS-1035 for services). */
  readonly nameValidator: NameValidator;

  /** Whether the object has a `status` subresource (then the main resource ignores status writes). */
  readonly hasStatus: boolean;
  /** The scale subresource mapping, or null when the kind has none. */
  readonly scale: ScaleMapping | null;
  /**
   * Whether a DELETE of the collection (verb `deletecollection`) is served; when not, it is 405
   * and discovery does not list the verb. Namespaces have none, as upstream: deleting one
   * cascades through everything in it, so it is asked for one namespace at a time. Default: true.
   */
  readonly deleteCollection: boolean;
  /**
   * Whether DELETE is graceful: true for pods bound to a node (sets deletionTimestamp and
   * deletionGracePeriodSeconds; the kubelet finishes the delete). Given the object and the
   * requested grace period, returns the grace period to apply (0 = delete now).
   */
  gracePeriodSeconds(obj: KubeObject, requested: number | undefined): number;

  /**
   * The object as served, given the stored one (on every read and watch event). Must not modify
   * `stored`, which may be shared by the watch cache: returns it as it is when nothing changes.
   * Built-in kinds keep it; custom resources prune and default it by the served version's
   * schema, so a schema change or another version's write is seen through this version's schema.
   */
  fromStorage(stored: KubeObject): KubeObject;
  /**
   * The object to store, given it as this version serves it (the inverse of `fromStorage`):
   * built-in kinds served in a version other than their storage version convert here
   * (autoscaling/v1 HorizontalPodAutoscalers are stored as v2). Default: the object itself.
   */
  toStorage(obj: KubeObject): KubeObject;
  /** Fills defaults in place (called on create and update, before validation). */
  applyDefaults(obj: KubeObject): void;
  /** Clears what a client may not set on create (e.g. status when hasStatus). */
  prepareForCreate(obj: KubeObject): void;
  /** Keeps what a client may not change on update of the main resource (e.g. status). */
  prepareForUpdate(obj: KubeObject, old: KubeObject): void;
  /** For status-subresource writes: keeps everything but status from `old`. */
  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void;
  /**
   * Admission of a new object that needs other objects of the cluster (a pod's priority comes
   * from its PriorityClass): may fill fields in place, or throw an ApiError (403 Forbidden, as
   * upstream's admission plugins refuse). Called on create after the defaults and before
   * validation, dry runs included. Default: admits everything as it is.
   */
  admitCreate(obj: KubeObject): Promise<void>;
  /**
   * Admission of a deletion: throws an ApiError (403 Forbidden, as upstream's admission refuses)
   * when this object may not be deleted at all (namespaces: default, kube-system, kube-public).
   * Called by the store with the stored object once the DELETE's preconditions hold, dry runs
   * included. Default: admits every deletion.
   */
  admitDelete(obj: KubeObject): void;
  /** Kind-specific validation of a new object (object-meta rules are checked by the store). */
  validateCreate(obj: KubeObject): FieldError[];
  /** Kind-specific validation of an update, including immutable fields. */
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  /**
   * What, besides metadata.finalizers, keeps an object from being removed once its deletion has
   * started (namespaces: the entries of spec.finalizers). Default: nothing.
   */
  deletionBlockers(obj: KubeObject): string[];
  /** Marks an object whose deletion is starting (namespaces: status.phase Terminating). Default: nothing. */
  beginDeletion(obj: KubeObject): void;
  /**
   * Warnings for a client about an object it just created or updated (sent as `Warning`
   * headers), e.g. a part of a CRD that k8ts accepts but does not act on. Default: none.
   */
  warnings(obj: KubeObject): string[];
  /** The shared pools this kind allocates from (default: none). */
  readonly allocator: ResourceAllocator;
  /** Whether a change from old to obj bumps metadata.generation (default: spec changed). */
  changesGeneration(obj: KubeObject, old: KubeObject): boolean;

  /** Table columns for `kubectl get` (after the implicit first column, Name). */
  readonly tableColumns: readonly TableColumn[];
  /** Row cells matching `tableColumns` (Name is added by the store). */
  tableRow(obj: KubeObject, now: Date): unknown[];

  /**
   * Field selector support: field path → value extractor. `metadata.name` and
   * `metadata.namespace` are always supported by the store and need not be listed.
   */
  readonly fieldSelectors: Readonly<Record<string, (obj: KubeObject) => string | undefined>>;
}
