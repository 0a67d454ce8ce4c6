import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultStorageClass, storageClassTableRow, validateStorageClass, validateStorageClassUpdate } from './storage-class.ts';

function sc(fields: Record<string, unknown>): KubeObject {
  const obj: KubeObject = { metadata: { name: 'fast', creationTimestamp: '2024-05-01T11:00:00Z' }, ...fields };
  defaultStorageClass(obj);
  return obj;
}

void test('defaults, required provisioner and allowed policies', () => {
  const obj = sc({ provisioner: 'example.com/local-path' });
  assert.equal(obj.reclaimPolicy, 'Delete');
  assert.equal(obj.volumeBindingMode, 'Immediate');
  assert.deepEqual(validateStorageClass(obj), []);
  assert.deepEqual(validateStorageClass(sc({ reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' })).map(formatFieldError), [
    'provisioner: Required value',
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
  ]);
  assert.deepEqual(storageClassTableRow(obj, new Date('2024-05-01T12:00:00Z')), ['example.com/local-path', 'Delete', 'Immediate', 'false', '60m']);
});

void test('provisioner, parameters, reclaim policy and binding mode cannot change', () => {
  const old = sc({ provisioner: 'example.com/a', parameters: { type: 'ssd' } });
  assert.deepEqual(validateStorageClassUpdate(sc({ provisioner: 'example.com/a', parameters: { type: 'ssd' }, allowVolumeExpansion: true }), old), []);
  const changed = sc({ provisioner: 'example.com/b', parameters: { type: 'hdd' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' });
  assert.deepEqual(validateStorageClassUpdate(changed, old).map(formatFieldError), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
    'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
  ]);
});
