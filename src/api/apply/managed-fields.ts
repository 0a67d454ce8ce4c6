/**
 * `metadata.managedFields`: one entry per manager identity (manager name, operation, and for
 * updates the API version and subresource written through), each with the FieldSet it owns
 * (FieldsV1) and when it last changed something. Decoding turns entries into a map keyed by
 * identity; encoding writes them back in upstream's order: Apply entries first, then by time,
 * manager, API version and subresource.
 * Upstream: k8s.io/apimachinery pkg/util/managedfields/internal/managedfields.go,
 * buildmanagerinfo.go, capmanagers.go.
 */
import type { ManagedFieldsEntry } from '../meta/types.ts';
import { FieldSet } from './field-set.ts';

export type Operation = 'Apply' | 'Update';

/** Who wrote: the entry's identity. */
export interface ManagerIdentity {
  readonly manager: string;
  readonly operation: Operation;
  /** The group/version the fields are expressed in (`apps/v1`). */
  readonly apiVersion: string;
  /** The subresource written through (`status`, `scale`), if any. */
  readonly subresource?: string;
}

export interface ManagedEntry {
  readonly identity: ManagerIdentity;
  readonly fields: FieldSet;
  /** RFC 3339; undefined when unknown. */
  readonly time: string | undefined;
}

/** Entries by identity key (see `identityKey`). */
export type Managed = Map<string, ManagedEntry>;

/** How many Update entries an object keeps before the oldest are merged. */
export const MAX_UPDATE_MANAGERS = 10;
/** The manager the oldest Update entries are merged into. */
export const ANCIENT_CHANGES_MANAGER = 'ancient-changes';

/**
 * The key of an identity. An applier keeps one entry whatever version it applies in, so the
 * API version is part of the key only for updates.
 */
export function identityKey(id: ManagerIdentity): string {
  return JSON.stringify([id.manager, id.operation, id.operation === 'Apply' ? '' : id.apiVersion, id.subresource ?? '']);
}

/** How conflicts name a manager: `"kubectl"`, `"kubectl-edit" using apps/v1`, `"kubectl" with subresource "scale" using apps/v1`. */
export function describeManager(id: ManagerIdentity): string {
  let text = JSON.stringify(id.manager);
  if (id.subresource !== undefined && id.subresource !== '') text += ` with subresource ${JSON.stringify(id.subresource)}`;
  return id.operation === 'Update' ? `${text} using ${id.apiVersion}` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `entries` is the request to clear managedFields: a list of empty entries (`[{}]`). */
export function isClearRequest(entries: unknown): boolean {
  return Array.isArray(entries) && entries.length > 0 && entries.every((e) => isObject(e) && Object.keys(e).length === 0);
}

/**
 * Decodes managedFields. Undefined when they are malformed (not a list, an entry without a
 * manager or operation, a fieldsType other than FieldsV1, unreadable fields), which callers
 * treat as "not given". Entries of one identity are merged.
 */
export function decodeManagedFields(entries: unknown): Managed | undefined {
  if (entries === undefined || entries === null) return new Map();
  if (!Array.isArray(entries)) return undefined;
  const managed: Managed = new Map();
  for (const raw of entries) {
    if (!isObject(raw)) return undefined;
    const e = raw as ManagedFieldsEntry & Record<string, unknown>;
    if (typeof e.manager !== 'string' || (e.operation !== 'Apply' && e.operation !== 'Update')) return undefined;
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') return undefined;
    if (e.apiVersion !== undefined && typeof e.apiVersion !== 'string') return undefined;
    if (e.time !== undefined && e.time !== null && typeof e.time !== 'string') return undefined;
    if (e.subresource !== undefined && typeof e.subresource !== 'string') return undefined;
    let fields: FieldSet;
    try {
      fields = e.fieldsV1 === undefined || e.fieldsV1 === null ? FieldSet.EMPTY : FieldSet.fromFieldsV1(e.fieldsV1);
    } catch {
      return undefined;
    }
    const identity: ManagerIdentity = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion ?? '',
      ...(e.subresource !== undefined && e.subresource !== '' ? { subresource: e.subresource } : {}),
    };
    const key = identityKey(identity);
    const previous = managed.get(key);
    const time = typeof e.time === 'string' ? e.time : undefined;
    managed.set(key, {
      identity,
      fields: previous === undefined ? fields : previous.fields.union(fields),
      time: previous?.time !== undefined && (time === undefined || previous.time > time) ? previous.time : time,
    });
  }
  return managed;
}

function seconds(time: string | undefined): number {
  if (time === undefined) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Encodes entries (empty ones are dropped) in upstream's order. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] {
  const entries = [...managed.values()].filter((e) => !e.fields.isEmpty());
  entries.sort((p, q) => {
    if (p.identity.operation !== q.identity.operation) return p.identity.operation === 'Apply' ? -1 : 1;
    return (
      seconds(p.time) - seconds(q.time) ||
      compareStrings(p.identity.manager, q.identity.manager) ||
      compareStrings(p.identity.apiVersion, q.identity.apiVersion) ||
      compareStrings(p.identity.subresource ?? '', q.identity.subresource ?? '')
    );
  });
  return entries.map((e) => ({
    manager: e.identity.manager,
    operation: e.identity.operation,
    apiVersion: e.identity.apiVersion,
    ...(e.time !== undefined ? { time: e.time } : {}),
    fieldsType: 'FieldsV1' as const,
    fieldsV1: e.fields.toFieldsV1(),
    ...(e.identity.subresource !== undefined ? { subresource: e.identity.subresource } : {}),
  }));
}

/**
 * Keeps at most MAX_UPDATE_MANAGERS Update entries: the oldest are merged, per API version,
 * into an `ancient-changes` entry (which counts as one of them). Apply entries are not capped.
 */
export function capUpdateManagers(managed: Managed): void {
  const updaters = [...managed.entries()].filter(([, e]) => e.identity.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort(([ka, a], [kb, b]) => seconds(a.time) - seconds(b.time) || compareStrings(ka, kb));
  let count = updaters.length;
  for (const [key, entry] of updaters) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    if (entry.identity.manager === ANCIENT_CHANGES_MANAGER) continue;
    const bucketIdentity: ManagerIdentity = { manager: ANCIENT_CHANGES_MANAGER, operation: 'Update', apiVersion: entry.identity.apiVersion };
    const bucketKey = identityKey(bucketIdentity);
    const bucket = managed.get(bucketKey);
    managed.delete(key);
    managed.set(bucketKey, {
      identity: bucketIdentity,
      fields: bucket === undefined ? entry.fields : bucket.fields.union(entry.fields),
      time: bucket?.time ?? entry.time,
    });
    if (bucket !== undefined) count--;
  }
}
