import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../validation/field-errors.ts';
import { leaseTableRow, validateLease } from './lease.ts';

void test('durations must be positive; HOLDER shows the holder', () => {
  const lease = { metadata: { name: 'kube-scheduler', namespace: 'kube-system', creationTimestamp: '2024-05-01T11:59:30Z' }, spec: { holderIdentity: 'cp-1', leaseDurationSeconds: 15 } };
  assert.deepEqual(validateLease(lease), []);
  assert.deepEqual(validateLease({ ...lease, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } }).map(formatFieldError), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.deepEqual(leaseTableRow(lease, new Date('2024-05-01T12:00:00Z')), ['cp-1', '30s']);
});
