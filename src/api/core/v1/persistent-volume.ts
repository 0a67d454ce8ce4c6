/**
 * PersistentVolumes (core/v1, cluster-scoped): a piece of storage. k8ts stores and serves
 * volumes; nothing binds, provisions or reclaims them, so a new volume stays `Pending` unless a
 * client writes its status. Defaults as upstream: reclaim policy Retain, volume mode Filesystem.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, str } from '../../meta/shape.ts';
import { AGE_COLUMN, column, wideColumn, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { forbidden, notSupported, required } from '../../validation/field-errors.ts';
import { validateResourceList } from '../../validation/resource-list.ts';
import { accessModesCell, storageClassOf, validateAccessModes, validateVolumeMode } from './persistent-volume-claim.ts';

export const persistentVolumeType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  resource: 'persistentvolumes',
  singular: 'persistentvolume',
  listKind: 'PersistentVolumeList',
  namespaced: false,
  shortNames: ['pv'],
  categories: [],
};

const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
/** The volume sources a PersistentVolume may name (exactly one). */
const VOLUME_SOURCES = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'csi', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk',
  'glusterfs', 'hostPath', 'iscsi', 'local', 'nfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO',
  'storageos', 'vsphereVolume',
];

export function defaultPersistentVolume(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  if (spec.persistentVolumeReclaimPolicy === undefined || spec.persistentVolumeReclaimPolicy === null || spec.persistentVolumeReclaimPolicy === '') {
    spec.persistentVolumeReclaimPolicy = 'Retain';
  }
  if (spec.volumeMode === undefined || spec.volumeMode === null) spec.volumeMode = 'Filesystem';
}

/** A new volume is Pending until something makes it Available (nothing in k8ts does). */
export function preparePersistentVolumeForCreate(obj: KubeObject): void {
  obj.status = { phase: 'Pending' };
}

export function validatePersistentVolume(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  const capacity = isObject(spec.capacity) ? spec.capacity : {};
  if (capacity.storage === undefined || capacity.storage === null) errs.push(required('spec.capacity', 'must specify capacity'));
  errs.push(...validateResourceList(spec.capacity, 'spec.capacity'));
  const policy: unknown = spec.persistentVolumeReclaimPolicy;
  if (typeof policy !== 'string' || !RECLAIM_POLICIES.includes(policy)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', policy ?? '', RECLAIM_POLICIES));
  const sources = VOLUME_SOURCES.filter((s) => isObject(spec[s]));
  if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
  else if (sources.length > 1) errs.push(forbidden(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  errs.push(...validateVolumeMode(spec.volumeMode, 'spec.volumeMode'));
  return errs;
}

export const persistentVolumeTableColumns: readonly TableColumnSpec[] = [
  column('Capacity', 'string', 'The storage capacity of the volume.'),
  column('Access Modes', 'string', 'All ways the volume can be mounted.'),
  column('Reclaim Policy', 'string', 'What happens to the volume when released from its claim.'),
  column('Status', 'string', 'The phase of the volume: Pending, Available, Bound, Released or Failed.'),
  column('Claim', 'string', 'The claim the volume is bound to, as namespace/name.'),
  column('StorageClass', 'string', 'The StorageClass the volume belongs to.'),
  column('VolumeAttributesClass', 'string', 'The VolumeAttributesClass the volume belongs to.'),
  column('Reason', 'string', 'Why the volume is in its phase.'),
  AGE_COLUMN,
  wideColumn('VolumeMode', 'string', 'Whether the volume is a filesystem or a raw block device.'),
];

export function persistentVolumeTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const claim = isObject(spec.claimRef) ? `${str(spec.claimRef.namespace)}/${str(spec.claimRef.name)}` : '';
  return [
    isObject(spec.capacity) ? str(spec.capacity.storage) : '',
    accessModesCell(spec.accessModes),
    str(spec.persistentVolumeReclaimPolicy),
    obj.metadata.deletionTimestamp !== undefined ? 'Terminating' : str(status.phase),
    claim,
    storageClassOf(obj),
    str(spec.volumeAttributesClassName) || '<unset>',
    str(status.reason),
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    str(spec.volumeMode) || 'Filesystem',
  ];
}
