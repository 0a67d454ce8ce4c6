/**
 * PersistentVolumeClaims and PersistentVolumes: status subresources; new ones start Pending and
 * stay so (nothing binds or provisions volumes in k8ts).
 */
import {
  defaultPersistentVolume,
  persistentVolumeTableColumns,
  persistentVolumeTableRow,
  persistentVolumeType,
  preparePersistentVolumeForCreate,
  validatePersistentVolume,
} from '../../../api/core/v1/persistent-volume.ts';
import {
  defaultPersistentVolumeClaim,
  persistentVolumeClaimTableColumns,
  persistentVolumeClaimTableRow,
  persistentVolumeClaimType,
  preparePersistentVolumeClaimForCreate,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
} from '../../../api/core/v1/persistent-volume-claim.ts';
import { isObject, str } from '../../../api/meta/shape.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const persistentVolumeClaimStrategy: ResourceStrategy = defineStrategy({
  type: persistentVolumeClaimType,
  hasStatus: true,
  applyDefaults: defaultPersistentVolumeClaim,
  prepareForCreate: preparePersistentVolumeClaimForCreate,
  validateCreate: validatePersistentVolumeClaim,
  validateUpdate: validatePersistentVolumeClaimUpdate,
  tableColumns: persistentVolumeClaimTableColumns,
  tableRow: persistentVolumeClaimTableRow,
});

export const persistentVolumeStrategy: ResourceStrategy = defineStrategy({
  type: persistentVolumeType,
  hasStatus: true,
  applyDefaults: defaultPersistentVolume,
  prepareForCreate: preparePersistentVolumeForCreate,
  validateCreate: validatePersistentVolume,
  validateUpdate: validatePersistentVolume,
  tableColumns: persistentVolumeTableColumns,
  tableRow: persistentVolumeTableRow,
  fieldSelectors: { 'spec.storageClassName': (o) => (isObject(o.spec) ? str(o.spec.storageClassName) : '') },
});
