import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultStatefulSet, statefulSetTableRow, validateStatefulSet, validateStatefulSetName, validateStatefulSetUpdate } from './statefulset.ts';

const template = { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } };

function sts(spec: Record<string, unknown>): KubeObject {
  const s: KubeObject = { metadata: { name: 'db', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' }, spec };
  defaultStatefulSet(s);
  return s;
}

void test('defaults match apps/v1', () => {
  const s = sts({ serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template });
  assert.equal(s.spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(s.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(s.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(s.spec.replicas, 1);
  assert.equal(s.spec.revisionHistoryLimit, 10);
  assert.deepEqual(validateStatefulSet(s), []);
  assert.deepEqual(sts({ updateStrategy: { type: 'OnDelete' } }).spec.updateStrategy, { type: 'OnDelete' });
});

void test('validation: policies, selector, names', () => {
  const errs = validateStatefulSet(sts({ podManagementPolicy: 'Random', selector: {}, template })).map(formatFieldError);
  assert.deepEqual(errs, [
    'spec.podManagementPolicy: Invalid value: "Random": must be \'OrderedReady\' or \'Parallel\'',
    'spec.selector: Invalid value: {}: empty selector is invalid for statefulset',
  ]);
  assert.deepEqual(validateStatefulSetName('db.x', false), ['must not contain dots']);
});

void test('only some spec fields may change', () => {
  const old = sts({ serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template });
  const scaled = structuredClone(old);
  scaled.spec.replicas = 3;
  scaled.spec.template.spec.containers[0].image = 'postgres:17';
  assert.deepEqual(validateStatefulSetUpdate(scaled, old), []);
  const renamed = structuredClone(old);
  renamed.spec.serviceName = 'other';
  assert.deepEqual(validateStatefulSetUpdate(renamed, old).map(formatFieldError), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});

void test('READY n/m', () => {
  const s = sts({ replicas: 3, selector: { matchLabels: { app: 'db' } }, template });
  s.status = { readyReplicas: 1 };
  assert.deepEqual(statefulSetTableRow(s, new Date('2024-05-01T12:00:00Z')), ['1/3', '60m', 'db', 'postgres:16']);
});
