/**
 * Namespaces (core/v1): the `kubernetes.io/metadata.name` label, the `kubernetes` finalizer and
 * Active phase every new namespace gets, validation, and deletion (Terminating until the
 * entries of spec.finalizers are gone).
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { asArray, isObject, str } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { index, invalid } from '../../validation/field-errors.ts';
import { isQualifiedName, nameIsDNSLabel } from '../../validation/names.ts';

export const namespaceType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  resource: 'namespaces',
  singular: 'namespace',
  listKind: 'NamespaceList',
  namespaced: false,
  shortNames: ['ns'],
  categories: [],
};

/** Namespace names become DNS labels, so they must be DNS-1123 labels (no dots). */
export const validateNamespaceName = nameIsDNSLabel;

/** The finalizer the namespace controller removes once a namespace's content is gone. */
export const KUBERNETES_FINALIZER = 'kubernetes';
/** The label every namespace carries with its own name, so selectors can pick namespaces by name. */
export const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

export function defaultNamespace(obj: KubeObject): void {
  const name = obj.metadata.name ?? '';
  if (name !== '') obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [METADATA_NAME_LABEL]: name };
  if (!isObject(obj.status)) obj.status = {};
  if (str(obj.status.phase) === '') obj.status.phase = 'Active';
}

/** A new namespace is Active and always carries the `kubernetes` finalizer. */
export function prepareNamespaceForCreate(obj: KubeObject): void {
  obj.status = { phase: 'Active' };
  if (!isObject(obj.spec)) obj.spec = {};
  const finalizers = asArray(obj.spec.finalizers);
  if (!finalizers.includes(KUBERNETES_FINALIZER)) obj.spec.finalizers = [...finalizers, KUBERNETES_FINALIZER];
}

/** spec.finalizers change only through the finalize subresource, never by an update. */
export function prepareNamespaceForUpdate(obj: KubeObject, old: KubeObject): void {
  const oldFinalizers: unknown = isObject(old.spec) ? old.spec.finalizers : undefined;
  if (!isObject(obj.spec)) obj.spec = {};
  if (oldFinalizers === undefined) delete obj.spec.finalizers;
  else obj.spec.finalizers = structuredClone(oldFinalizers);
}

export function validateNamespace(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  asArray(isObject(obj.spec) ? obj.spec.finalizers : undefined).forEach((f, i) => {
    const path = index('spec.finalizers', i);
    const name = typeof f === 'string' ? f : '';
    const msgs = isQualifiedName(name);
    for (const msg of msgs) errs.push(invalid(path, f, msg));
    if (msgs.length === 0 && !name.includes('/') && name !== KUBERNETES_FINALIZER) {
      errs.push(invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return errs;
}

/**
 * Namespaces that may never be deleted, as upstream's (its "immortal" namespaces): the default
 * namespace, and the two the cluster's own objects live in. kube-node-lease is not one of them.
 */
export const UNDELETABLE_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** What still blocks a deleting namespace's removal: its spec.finalizers. */
export function namespaceDeletionBlockers(obj: KubeObject): string[] {
  return asArray(isObject(obj.spec) ? obj.spec.finalizers : undefined).filter((f): f is string => typeof f === 'string');
}

/** A namespace whose deletion starts turns Terminating. */
export function beginNamespaceDeletion(obj: KubeObject): void {
  if (!isObject(obj.status)) obj.status = {};
  obj.status.phase = 'Terminating';
}

export const namespaceTableColumns: readonly TableColumnSpec[] = [column('Status', 'string', 'The status of the namespace.'), AGE_COLUMN];

export function namespaceTableRow(obj: KubeObject, now: Date): unknown[] {
  return [isObject(obj.status) ? str(obj.status.phase) : '', translateTimestampSince(obj.metadata.creationTimestamp, now)];
}

export const namespaceFieldSelectors: Readonly<Record<string, (obj: KubeObject) => string>> = {
  'status.phase': (o) => (isObject(o.status) ? str(o.status.phase) : ''),
};
