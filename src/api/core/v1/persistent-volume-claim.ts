/**
 * PersistentVolumeClaims (core/v1): a request for storage. k8ts stores and serves claims and
 * nothing binds or provisions them, so a new claim stays `Pending`. Validation as upstream:
 * access modes and a storage request are required; after creation only the storage request,
 * the volume attributes class and an unset volumeName may change.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, str, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, wideColumn, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { forbidden, index, notSupported, required } from '../../validation/field-errors.ts';
import { validateLabelSelector } from '../../validation/label-selector.ts';
import { validateResourceList } from '../../validation/resource-list.ts';

export const persistentVolumeClaimType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  resource: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  listKind: 'PersistentVolumeClaimList',
  namespaced: true,
  shortNames: ['pvc'],
  categories: [],
};

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const ACCESS_MODE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};
const VOLUME_MODES = ['Block', 'Filesystem'];
/** The annotation older clients name a claim's or volume's class with. */
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export function defaultPersistentVolumeClaim(obj: KubeObject): void {
  if (isObject(obj.spec) && (obj.spec.volumeMode === undefined || obj.spec.volumeMode === null)) obj.spec.volumeMode = 'Filesystem';
}

/** A new claim is Pending until something binds it (nothing in k8ts does). */
export function preparePersistentVolumeClaimForCreate(obj: KubeObject): void {
  obj.status = { phase: 'Pending' };
}

/** Access modes: at least one, each known; ReadWriteOncePod only alone. */
export function validateAccessModes(modes: unknown, path: string): FieldError[] {
  const list: unknown[] = Array.isArray(modes) ? modes : [];
  if (list.length === 0) return [required(path, 'at least 1 access mode is required')];
  const errs: FieldError[] = [];
  list.forEach((m, i) => {
    if (typeof m !== 'string' || !ACCESS_MODES.includes(m)) errs.push(notSupported(index(path, i), m, ACCESS_MODES));
  });
  if (list.includes('ReadWriteOncePod') && list.length > 1) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

export function validateVolumeMode(mode: unknown, path: string): FieldError[] {
  if (mode === undefined || mode === null) return [];
  return typeof mode === 'string' && VOLUME_MODES.includes(mode) ? [] : [notSupported(path, mode, VOLUME_MODES)];
}

export function validatePersistentVolumeClaim(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  if (spec.selector !== undefined && spec.selector !== null) errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const resources = isObject(spec.resources) ? spec.resources : {};
  const requests = isObject(resources.requests) ? resources.requests : {};
  if (requests.storage === undefined || requests.storage === null) errs.push(required('spec.resources[storage]'));
  errs.push(...validateResourceList(resources.requests, 'spec.resources.requests'), ...validateResourceList(resources.limits, 'spec.resources.limits'));
  errs.push(...validateVolumeMode(spec.volumeMode, 'spec.volumeMode'));
  return errs;
}

/** The parts of a claim's spec that may change after creation, removed for comparison. */
function fixedSpec(spec: unknown, volumeNameMayChange: boolean): JsonObject {
  const s: JsonObject = isObject(spec) ? structuredClone(spec) : {};
  if (isObject(s.resources)) delete s.resources.requests;
  delete s.volumeAttributesClassName;
  if (volumeNameMayChange) delete s.volumeName;
  return s;
}

export function validatePersistentVolumeClaimUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validatePersistentVolumeClaim(obj);
  const volumeNameUnset = !isObject(old.spec) || str(old.spec.volumeName) === '';
  if (!deepEqual(fixedSpec(obj.spec, volumeNameUnset), fixedSpec(old.spec, volumeNameUnset))) {
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  return errs;
}

/** RWO,ROX,... as kubectl prints access modes. */
export function accessModesCell(modes: unknown): string {
  return (Array.isArray(modes) ? modes : []).map((m) => ACCESS_MODE_ABBREVIATIONS[str(m)] ?? str(m)).join(',');
}

/** The class of a claim or volume: spec.storageClassName, else the beta annotation. */
export function storageClassOf(obj: KubeObject): string {
  const annotated = obj.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (annotated !== undefined) return annotated;
  return isObject(obj.spec) ? str(obj.spec.storageClassName) : '';
}

export const persistentVolumeClaimTableColumns: readonly TableColumnSpec[] = [
  column('Status', 'string', 'The phase of the claim: Pending, Bound or Lost.'),
  column('Volume', 'string', 'The binding reference to the PersistentVolume backing this claim.'),
  column('Capacity', 'string', 'The actual storage of the volume backing the claim.'),
  column('Access Modes', 'string', 'The access modes of the volume backing the claim.'),
  column('StorageClass', 'string', 'The name of the StorageClass required by the claim.'),
  column('VolumeAttributesClass', 'string', 'The VolumeAttributesClass the claim uses.'),
  AGE_COLUMN,
  wideColumn('VolumeMode', 'string', 'What type of volume is required by the claim.'),
];

export function persistentVolumeClaimTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const phase = obj.metadata.deletionTimestamp !== undefined ? 'Terminating' : str(status.phase);
  const volume = str(spec.volumeName);
  const capacity = volume === '' || !isObject(status.capacity) ? '' : str(status.capacity.storage);
  return [
    phase,
    volume,
    capacity,
    volume === '' ? '' : accessModesCell(status.accessModes),
    storageClassOf(obj),
    str(spec.volumeAttributesClassName) || '<unset>',
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    str(spec.volumeMode) || 'Filesystem',
  ];
}

