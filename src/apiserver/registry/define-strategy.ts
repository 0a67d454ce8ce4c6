/**
 * defineStrategy: a complete ResourceStrategy from the parts a kind cares about. What a kind
 * leaves out gets the common behaviour: DNS-1123 subdomain names, no defaults or extra
 * validation, immediate deletion of any object, one at a time or by collection, generation
 * bumped when `spec` changes, and — with a status subresource — status reset on create, kept
 * from the stored object on main-resource updates, and the only thing a status update changes.
 * The helpers below let a kind that overrides a hook keep that behaviour.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { nameIsDNSSubdomain } from '../../api/validation/names.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import type { Reservation, ResourceAllocator, ResourceStrategy, TableColumn } from './strategy.ts';

/** The kind's type, plus any hooks it needs to differ from the defaults. */
export type StrategyParts = Pick<ResourceStrategy, 'type'> & Partial<Omit<ResourceStrategy, 'type'>>;

/** Status starts empty on create (clients may not set it), serialized as `status: {}`. */
export function resetStatus(obj: KubeObject): void {
  obj.status = {};
}

/** A main-resource update keeps the stored status. */
export function keepStatus(obj: KubeObject, old: KubeObject): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = structuredClone(old.status);
}

/** A status update changes the status and nothing else: every other field comes from `old`. */
export function takeOnlyStatus(obj: KubeObject, old: KubeObject): void {
  const status: unknown = obj.status;
  for (const key of Object.keys(obj)) delete obj[key];
  Object.assign(obj, structuredClone({ ...old, status: undefined }));
  if (status === undefined) delete obj.status;
  else obj.status = status;
}

/** Whether the spec differs (the usual reason to bump metadata.generation). */
export function specChanged(obj: KubeObject, old: KubeObject): boolean {
  return !deepEqual(obj.spec, old.spec);
}

/** The table of a kind with no printer of its own: Name (added by the store) and Created At. */
const CREATED_AT_COLUMN: TableColumn = {
  name: 'Created At',
  type: 'date',
  description: 'The time the object was created (metadata.creationTimestamp).',
  priority: 0,
};

/** The reservation of a write that takes nothing. */
export const NOTHING_RESERVED: Reservation = { commit: async () => undefined, rollback: async () => undefined };

/** The allocator of kinds that hold nothing outside themselves. */
export const NO_ALLOCATION: ResourceAllocator = { reserve: async () => NOTHING_RESERVED };

export function defineStrategy(parts: StrategyParts): ResourceStrategy {
  const hasStatus = parts.hasStatus ?? false;
  return {
    type: parts.type,
    storageVersion: parts.storageVersion ?? parts.type.version,
    strategicMergePatch: parts.strategicMergePatch ?? true,
    nameValidator: parts.nameValidator ?? nameIsDNSSubdomain,
    hasStatus,
    scale: parts.scale ?? null,
    deleteCollection: parts.deleteCollection ?? true,
    gracePeriodSeconds: parts.gracePeriodSeconds ?? (() => 0),
    fromStorage: parts.fromStorage ?? ((stored) => stored),
    toStorage: parts.toStorage ?? ((obj) => obj),
    applyDefaults: parts.applyDefaults ?? (() => undefined),
    prepareForCreate: parts.prepareForCreate ?? ((obj) => (hasStatus ? resetStatus(obj) : undefined)),
    prepareForUpdate: parts.prepareForUpdate ?? ((obj, old) => (hasStatus ? keepStatus(obj, old) : undefined)),
    prepareForStatusUpdate: parts.prepareForStatusUpdate ?? takeOnlyStatus,
    admitCreate: parts.admitCreate ?? (async () => undefined),
    admitDelete: parts.admitDelete ?? (() => undefined),
    validateCreate: parts.validateCreate ?? (() => []),
    validateUpdate: parts.validateUpdate ?? (() => []),
    deletionBlockers: parts.deletionBlockers ?? (() => []),
    beginDeletion: parts.beginDeletion ?? (() => undefined),
    warnings: parts.warnings ?? (() => []),
    allocator: parts.allocator ?? NO_ALLOCATION,
    changesGeneration: parts.changesGeneration ?? specChanged,
    tableColumns: parts.tableColumns ?? [CREATED_AT_COLUMN],
    tableRow: parts.tableRow ?? ((obj) => [obj.metadata.creationTimestamp ?? '']),
    fieldSelectors: parts.fieldSelectors ?? {},
  };
}
