import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import {
  beginNamespaceDeletion,
  defaultNamespace,
  namespaceDeletionBlockers,
  namespaceFieldSelectors,
  namespaceTableRow,
  prepareNamespaceForCreate,
  prepareNamespaceForUpdate,
  validateNamespace,
  validateNamespaceName,
} from './namespace.ts';

function ns(extra: Partial<KubeObject> = {}): KubeObject {
  return { metadata: { name: 'team-a', creationTimestamp: '2024-05-01T10:00:00Z' }, ...extra };
}

void test('a new namespace is Active, carries the kubernetes finalizer and its name label', () => {
  const n = ns({ status: { phase: 'Terminating' } });
  prepareNamespaceForCreate(n);
  defaultNamespace(n);
  assert.deepEqual(n.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(n.status, { phase: 'Active' });
  assert.deepEqual(n.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  const custom = ns({ spec: { finalizers: ['example.com/x'] } });
  prepareNamespaceForCreate(custom);
  assert.deepEqual(custom.spec.finalizers, ['example.com/x', 'kubernetes']);
});

void test('updates cannot change spec.finalizers', () => {
  const old = ns({ spec: { finalizers: ['kubernetes'] } });
  const next = ns({ spec: { finalizers: [] } });
  prepareNamespaceForUpdate(next, old);
  assert.deepEqual(next.spec.finalizers, ['kubernetes']);
});

void test('finalizers must be standard or fully qualified; names are DNS labels', () => {
  assert.deepEqual(validateNamespace(ns({ spec: { finalizers: ['kubernetes', 'example.com/x'] } })), []);
  assert.deepEqual(validateNamespace(ns({ spec: { finalizers: ['foo'] } })).map(formatFieldError), [
    'spec.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  assert.deepEqual(validateNamespaceName('a.b', false), ['must not contain dots']);
  assert.deepEqual(validateNamespaceName('x'.repeat(64), false), ['must be no more than 63 characters']);
});

void test('deletion: Terminating until spec.finalizers is empty', () => {
  const n = ns({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  beginNamespaceDeletion(n);
  assert.equal(n.status.phase, 'Terminating');
  assert.deepEqual(namespaceDeletionBlockers(n), ['kubernetes']);
  assert.deepEqual(namespaceDeletionBlockers(ns({ spec: { finalizers: [] } })), []);
  assert.deepEqual(namespaceTableRow(n, new Date('2024-05-01T12:00:00Z')), ['Terminating', '120m']);
  assert.equal(namespaceFieldSelectors['status.phase']!(n), 'Terminating');
});
