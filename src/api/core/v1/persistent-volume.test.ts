import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import {
  defaultPersistentVolumeClaim,
  persistentVolumeClaimTableRow,
  preparePersistentVolumeClaimForCreate,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
} from './persistent-volume-claim.ts';
import { defaultPersistentVolume, persistentVolumeTableRow, preparePersistentVolumeForCreate, validatePersistentVolume } from './persistent-volume.ts';

const NOW = new Date('2024-05-01T12:00:00Z');

function claim(spec: Record<string, unknown>): KubeObject {
  const obj: KubeObject = { metadata: { name: 'data', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' }, spec, status: { phase: 'Bound' } };
  preparePersistentVolumeClaimForCreate(obj);
  defaultPersistentVolumeClaim(obj);
  return obj;
}

const request = { requests: { storage: '1Gi' } };

void test('a new claim is Pending, in Filesystem mode', () => {
  const obj = claim({ accessModes: ['ReadWriteOnce'], resources: request, storageClassName: 'fast' });
  assert.deepEqual(obj.status, { phase: 'Pending' });
  assert.equal(obj.spec.volumeMode, 'Filesystem');
  assert.deepEqual(validatePersistentVolumeClaim(obj), []);
  assert.deepEqual(persistentVolumeClaimTableRow(obj, NOW), ['Pending', '', '', '', 'fast', '<unset>', '60m', 'Filesystem']);
  obj.spec.volumeName = 'pv-1';
  obj.status = { phase: 'Bound', capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] };
  assert.deepEqual(persistentVolumeClaimTableRow(obj, NOW).slice(0, 4), ['Bound', 'pv-1', '2Gi', 'RWO,ROX']);
});

void test('access modes and the storage request are required, as upstream', () => {
  assert.deepEqual(validatePersistentVolumeClaim(claim({})).map(formatFieldError), [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Required value',
  ]);
  assert.deepEqual(validatePersistentVolumeClaim(claim({ accessModes: ['ReadWriteSometimes'], resources: { requests: { storage: 'lots' } } })).map(formatFieldError), [
    'spec.accessModes[0]: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    "spec.resources.requests[storage]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  ]);
});

void test('only the storage request may change after creation', () => {
  const old = claim({ accessModes: ['ReadWriteOnce'], resources: request });
  assert.deepEqual(validatePersistentVolumeClaimUpdate(claim({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } }), old), []);
  assert.deepEqual(validatePersistentVolumeClaimUpdate(claim({ accessModes: ['ReadWriteMany'], resources: request }), old).map(formatFieldError), [
    'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
  ]);
});

void test('persistent volumes: capacity, access modes and one source; Retain by default', () => {
  const pv: KubeObject = { metadata: { name: 'pv-1', creationTimestamp: '2024-05-01T11:00:00Z' }, spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } };
  preparePersistentVolumeForCreate(pv);
  defaultPersistentVolume(pv);
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Retain');
  assert.deepEqual(validatePersistentVolume(pv), []);
  assert.deepEqual(persistentVolumeTableRow(pv, NOW), ['5Gi', 'RWO', 'Retain', 'Pending', '', '', '<unset>', '', '60m', 'Filesystem']);
  const empty: KubeObject = { metadata: { name: 'pv-2' }, spec: {} };
  defaultPersistentVolume(empty);
  assert.deepEqual(validatePersistentVolume(empty).map(formatFieldError), [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.capacity: Required value: must specify capacity',
    'spec: Required value: must specify a volume type',
  ]);
});
