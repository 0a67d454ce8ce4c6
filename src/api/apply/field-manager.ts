/**
 * Field ownership (server-side apply), written once for every kind: it works on plain JSON
 * objects and the kind's TypeNode, so custom resources get it from their schemas alone.
 *
 * - `recordUpdate` (create, update, and every non-apply patch): the manager gains the fields
 *   the write added or changed; every other manager loses them (an update never conflicts);
 *   everyone loses the fields the write removed.
 * - `applyConfiguration` (apply patches): merges the configuration into the object, then
 *   removes the fields the manager applied last time and no longer applies, unless another
 *   manager owns them; fields it changes that others own are conflicts (409) unless forced, in
 *   which case the others lose them. The manager's set becomes exactly what it applied.
 *
 * What no one can own is never recorded: apiVersion, kind and the server-set metadata.
 * Upstream: sigs.k8s.io/structured-merge-diff merge/update.go; k8s.io/apimachinery
 * pkg/util/managedfields/internal (fieldmanager.go, structuredmerge.go, stripmeta.go,
 * managedfieldsupdater.go, lastappliedmanager.go, lastappliedupdater.go).
 */
import type { KubeObject } from '../meta/types.ts';
import { cloneJson } from '../patch/json-value.ts';
import { ApplyError } from './apply-error.ts';
import { compareObjects, excludeFields, isUnchanged, type Comparison } from './compare.ts';
import { ApplyConflictError, type FieldConflict } from './conflicts.ts';
import { FieldSet } from './field-set.ts';
import { fieldSetOf, namedFieldsAsMembers } from './field-set-of.ts';
import {
  capUpdateManagers,
  decodeManagedFields,
  encodeManagedFields,
  identityKey,
  isClearRequest,
  type Managed,
  type ManagerIdentity,
} from './managed-fields.ts';
import { mergeConfiguration } from './merge.ts';
import { fieldElement } from './path-element.ts';
import { removeFields } from './remove-fields.ts';
import type { TypeNode } from './type-node.ts';

/** The annotation client-side apply keeps its last configuration in. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** kubectl's manager for server-side apply; it alone upgrades from client-side apply. */
const KUBECTL_APPLY_MANAGER = 'kubectl';

/** Fields no manager owns (removed from the writer's set, not from what is below them). */
const UNOWNED = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [
    fieldElement('metadata'),
    fieldElement(f),
  ]),
);

/** What every ownership computation needs about the kind and the write. */
export interface OwnershipContext {
  /** The type of the whole object (TypeNodes.of(kind schema), or UNTYPED without a schema). */
  readonly type: TypeNode;
  /** Fields the write cannot change and nobody gains by it (`status` on the main resource). */
  readonly ignored?: FieldSet;
  /** RFC 3339 time of the write. */
  readonly now: string;
}

export interface UpdateRecord extends OwnershipContext {
  /** The stored object; undefined for a create. */
  readonly live: KubeObject | undefined;
  /** The object about to be stored; its metadata.managedFields are rewritten. */
  readonly next: KubeObject;
  readonly manager: ManagerIdentity;
}

export interface ApplyRequest extends OwnershipContext {
  /** The stored object; undefined when the apply creates it. */
  readonly live: KubeObject | undefined;
  /** The applied configuration (already checked to name this object and kind). */
  readonly config: KubeObject;
  /** The manager (an Apply identity; its apiVersion is the configuration's). */
  readonly manager: ManagerIdentity;
  /** Take over conflicting fields instead of failing. */
  readonly force: boolean;
}

/** `obj` without metadata.managedFields: a shallow copy, to read (never to modify). */
function withoutManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata.managedFields === undefined) return obj;
  const metadata = { ...obj.metadata };
  delete metadata.managedFields;
  return { ...obj, metadata };
}

function writeManaged(obj: KubeObject, managed: Managed): void {
  const entries = encodeManagedFields(managed);
  if (entries.length === 0) delete obj.metadata.managedFields;
  else obj.metadata.managedFields = entries;
}

/**
 * The object a create is compared with, standing for upstream's empty typed object: metadata
 * and the kind's top-level structured fields (spec, status) exist, empty, so they are not
 * recorded as added containers themselves.
 */
function emptyObject(type: TypeNode, next: KubeObject): KubeObject {
  const empty: KubeObject = { metadata: {} };
  if (type.kind !== 'object') return empty;
  for (const [key, value] of Object.entries(next)) {
    if (key === 'metadata' || key === 'apiVersion' || key === 'kind') continue;
    const child = type.child(key);
    if (type.isField(key) && child.kind === 'object' && child.structured && !child.atomic && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      empty[key] = {};
    }
  }
  return empty;
}

/** Every other manager loses `taken` (changed by the writer) and `removed`. */
function takeFromOthers(managed: Managed, selfKey: string, taken: FieldSet, removed: FieldSet): void {
  for (const [key, entry] of managed) {
    if (key === selfKey) continue;
    const fields = entry.fields.difference(taken).difference(removed);
    if (fields.isEmpty()) managed.delete(key);
    else if (!fields.equals(entry.fields)) managed.set(key, { ...entry, fields });
  }
}

/** Records an ordinary write (not an apply) in `record.next.metadata.managedFields`. */
export function recordUpdate(record: UpdateRecord): void {
  const { live, next, manager, type } = record;
  const isSubresource = manager.subresource !== undefined && manager.subresource !== '';
  // Managed fields the writer sent are honoured (clients may edit them), except through a
  // subresource; a writer that sent none, or ones that cannot be read, keeps the stored ones.
  let managed: Managed | undefined;
  if (!isSubresource && isClearRequest(next.metadata.managedFields)) managed = new Map();
  else if (!isSubresource) {
    const sent = decodeManagedFields(next.metadata.managedFields);
    if (sent !== undefined && sent.size > 0) managed = sent;
  }
  managed ??= (live === undefined ? undefined : decodeManagedFields(live.metadata.managedFields)) ?? new Map();

  const older = live === undefined ? emptyObject(type, next) : withoutManagedFields(live);
  const newer = withoutManagedFields(next);
  let comparison = compareObjects(older, newer, type);
  if (record.ignored !== undefined) comparison = excludeFields(comparison, record.ignored);

  const selfKey = identityKey(manager);
  const changed = comparison.modified.union(comparison.added);
  takeFromOthers(managed, selfKey, changed, comparison.removed);
  const gained = changed.difference(UNOWNED);
  const previous = managed.get(selfKey);
  const fields = (previous?.fields ?? FieldSet.EMPTY).difference(comparison.removed).union(gained);
  if (fields.isEmpty()) managed.delete(selfKey);
  else if (!gained.isEmpty()) managed.set(selfKey, { identity: manager, fields, time: record.now });
  else if (previous !== undefined) managed.set(selfKey, { ...previous, fields });
  capUpdateManagers(managed);
  writeManaged(next, managed);
}

/**
 * Prunes from `merged` what the applier owned last time (`lastSet`) and no longer applies,
 * unless some manager (the applier included, with its new set) still owns it; a whole declared
 * sub-object goes when nobody owns anything in it.
 */
function prune(merged: KubeObject, type: TypeNode, managed: Managed, lastSet: FieldSet | undefined): KubeObject {
  if (lastSet === undefined || lastSet.isEmpty()) return merged;
  const named = (s: FieldSet): FieldSet => namedFieldsAsMembers(s, type);
  let owned = FieldSet.EMPTY;
  for (const entry of managed.values()) owned = owned.union(entry.fields);
  const last = named(lastSet);
  const mergedSet = named(fieldSetOf(merged, type));
  // Everything last applied goes, then whatever anyone owns comes back, then only what the
  // applier had last applied stays removed.
  const stripped = (removeFields(merged, last, type) ?? { metadata: {} }) as KubeObject;
  const keep = named(fieldSetOf(stripped, type)).union(named(owned));
  const restored = (removeFields(merged, mergedSet.difference(keep), type) ?? { metadata: {} }) as KubeObject;
  const dangling = mergedSet.difference(named(fieldSetOf(restored, type))).intersection(last);
  return (removeFields(merged, dangling, type) ?? { metadata: {} }) as KubeObject;
}

function conflictsOf(managed: Managed, selfKey: string, changed: FieldSet): FieldConflict[] {
  const conflicts: FieldConflict[] = [];
  const keys = [...managed.keys()].filter((k) => k !== selfKey).sort();
  for (const key of keys) {
    const entry = managed.get(key)!;
    for (const path of entry.fields.intersection(changed).paths()) conflicts.push({ manager: entry.identity, path });
  }
  return conflicts;
}

/**
 * The fields of the client-side-apply configuration that still hold their applied values: a
 * kubectl server-side apply may take these over from client-side apply without conflict.
 */
function fieldsStillAsLastApplied(live: KubeObject, type: TypeNode): FieldSet {
  const text = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (text === undefined || text === '') return FieldSet.EMPTY;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return FieldSet.EMPTY;
  }
  if (typeof lastApplied !== 'object' || lastApplied === null || (lastApplied as KubeObject).apiVersion !== live.apiVersion) return FieldSet.EMPTY;
  const c: Comparison = compareObjects(lastApplied, withoutManagedFields(live), type);
  return fieldSetOf(lastApplied, type).difference(c.modified).difference(c.added).difference(c.removed);
}

/** JSON with sorted keys, as upstream's encoder writes the last-applied annotation. */
function sortedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedJson);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedJson((value as Record<string, unknown>)[k])]),
  );
}

/**
 * The object after applying `request.config`, with its managedFields; the input objects are
 * not modified. Throws ApplyConflictError (unless forced) and ApplyError.
 */
export function applyConfiguration(request: ApplyRequest): KubeObject {
  const { live, config, manager, type } = request;
  if (config.metadata.managedFields !== undefined) throw new ApplyError('BadRequest', 'metadata.managedFields must be nil');
  const managed: Managed = (live === undefined ? undefined : decodeManagedFields(live.metadata.managedFields)) ?? new Map();
  const older: KubeObject = live === undefined ? { metadata: {} } : withoutManagedFields(live);
  const selfKey = identityKey(manager);

  let applied = fieldSetOf(config, type, true);
  if (request.ignored !== undefined) applied = applied.recursiveDifference(request.ignored);
  const merged = (mergeConfiguration(older, config, type) ?? { metadata: {} }) as KubeObject;
  if (typeof merged.metadata !== 'object' || merged.metadata === null) merged.metadata = {};
  const previous = managed.get(selfKey);
  managed.set(selfKey, { identity: manager, fields: applied, time: previous?.time });
  const result = prune(merged, type, managed, previous?.fields);

  let comparison = compareObjects(older, result, type);
  if (request.ignored !== undefined) comparison = excludeFields(comparison, request.ignored);
  const changed = comparison.modified.union(comparison.added);
  let conflicts = conflictsOf(managed, selfKey, changed);
  if (conflicts.length > 0 && !request.force) {
    if (manager.manager === KUBECTL_APPLY_MANAGER && live !== undefined) {
      const allowed = fieldsStillAsLastApplied(live, type);
      conflicts = conflicts.filter((c) => !allowed.has(c.path));
    }
    if (conflicts.length > 0) throw new ApplyConflictError(conflicts);
  }
  takeFromOthers(managed, selfKey, changed, comparison.removed);

  const own = applied.difference(UNOWNED);
  const time = !isUnchanged(comparison) || previous?.time === undefined ? request.now : previous.time;
  if (own.isEmpty()) managed.delete(selfKey);
  else managed.set(selfKey, { identity: manager, fields: own, time });

  // Keep client-side apply's record in step, so a later `kubectl apply` (client-side) works.
  const lastApplied = live?.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (manager.manager === KUBECTL_APPLY_MANAGER && lastApplied !== undefined && lastApplied !== '') {
    const recorded = cloneJson(config);
    const annotations = { ...(recorded.metadata.annotations ?? {}) };
    delete annotations[LAST_APPLIED_ANNOTATION];
    if (Object.keys(annotations).length > 0) recorded.metadata.annotations = annotations;
    else delete recorded.metadata.annotations;
    result.metadata.annotations = { ...(result.metadata.annotations ?? {}), [LAST_APPLIED_ANNOTATION]: JSON.stringify(sortedJson(recorded)) };
  }
  writeManaged(result, managed);
  return result;
}
