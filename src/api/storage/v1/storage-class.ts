/**
 * StorageClasses (storage.k8s.io/v1, cluster-scoped): how volumes of a class are provisioned.
 * k8ts stores and serves them; no provisioner acts on them. Defaults as upstream: reclaim
 * policy Delete, binding mode Immediate; provisioner, parameters, reclaim policy and binding
 * mode cannot change.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, str } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { FIELD_IMMUTABLE, forbidden, invalid, key, notSupported, required, tooMany } from '../../validation/field-errors.ts';
import { isQualifiedName } from '../../validation/names.ts';

export const storageClassType: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  resource: 'storageclasses',
  singular: 'storageclass',
  listKind: 'StorageClassList',
  namespaced: false,
  shortNames: ['sc'],
  categories: [],
};

const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const MAX_PARAMETERS = 512;
const MAX_PROVISIONER_LENGTH = 63;

export function defaultStorageClass(obj: KubeObject): void {
  if (obj.reclaimPolicy === undefined || obj.reclaimPolicy === null || obj.reclaimPolicy === '') obj.reclaimPolicy = 'Delete';
  if (obj.volumeBindingMode === undefined || obj.volumeBindingMode === null || obj.volumeBindingMode === '') obj.volumeBindingMode = 'Immediate';
}

export function validateStorageClass(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = str(obj.provisioner);
  if (provisioner === '') errs.push(required('provisioner'));
  else if (provisioner.length > MAX_PROVISIONER_LENGTH) errs.push(invalid('provisioner', provisioner, `must be no more than ${MAX_PROVISIONER_LENGTH} characters`));
  else errs.push(...isQualifiedName(provisioner.toLowerCase()).map((m) => invalid('provisioner', provisioner, m)));
  if (obj.parameters !== undefined && obj.parameters !== null) {
    if (!isObject(obj.parameters)) errs.push(invalid('parameters', obj.parameters, 'must be a map of strings'));
    else {
      const entries = Object.entries(obj.parameters);
      if (entries.length > MAX_PARAMETERS) errs.push(tooMany('parameters', entries.length, MAX_PARAMETERS));
      for (const [k, v] of entries) {
        if (k === '') errs.push(invalid('parameters', k, 'field can not be empty.'));
        if (typeof v !== 'string') errs.push(invalid(key('parameters', k), v, 'must be a string'));
      }
    }
  }
  if (!RECLAIM_POLICIES.includes(str(obj.reclaimPolicy))) errs.push(notSupported('reclaimPolicy', obj.reclaimPolicy ?? '', RECLAIM_POLICIES));
  if (!BINDING_MODES.includes(str(obj.volumeBindingMode))) errs.push(notSupported('volumeBindingMode', obj.volumeBindingMode ?? '', BINDING_MODES));
  return errs;
}

export function validateStorageClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateStorageClass(obj);
  if (!deepEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (obj.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (obj.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (obj.volumeBindingMode !== old.volumeBindingMode) errs.push(invalid('volumeBindingMode', obj.volumeBindingMode ?? null, FIELD_IMMUTABLE));
  return errs;
}

export const storageClassTableColumns: readonly TableColumnSpec[] = [
  column('Provisioner', 'string', 'Indicates the type of the provisioner.'),
  column('ReclaimPolicy', 'string', 'Indicates the type of the reclaim policy.'),
  column('VolumeBindingMode', 'string', 'Indicates how PersistentVolumeClaims should be provisioned and bound.'),
  column('AllowVolumeExpansion', 'string', 'Indicates whether the storage class allows volume expand.'),
  AGE_COLUMN,
];

export function storageClassTableRow(obj: KubeObject, now: Date): unknown[] {
  return [
    str(obj.provisioner),
    str(obj.reclaimPolicy) || 'Delete',
    str(obj.volumeBindingMode) || 'Immediate',
    String(obj.allowVolumeExpansion === true),
    translateTimestampSince(obj.metadata.creationTimestamp, now),
  ];
}
