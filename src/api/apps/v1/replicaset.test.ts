import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultReplicaSet, replicaSetFieldSelectors, replicaSetTableRow, validateReplicaSet, validateReplicaSetUpdate } from './replicaset.ts';

const template = { metadata: { labels: { app: 'web', hash: 'abc' } }, spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:2' }] } };

function rs(spec: Record<string, unknown>): KubeObject {
  const r: KubeObject = { metadata: { name: 'web-abc', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' }, spec };
  defaultReplicaSet(r);
  return r;
}

void test('defaults and validation', () => {
  const r = rs({ selector: { matchLabels: { app: 'web' } }, template });
  assert.equal(r.spec.replicas, 1);
  assert.deepEqual(validateReplicaSet(r), []);
  assert.deepEqual(validateReplicaSet(rs({ replicas: -2, selector: { matchLabels: { app: 'db' } }, template })).map(formatFieldError), [
    'spec.replicas: Invalid value: -2: must be greater than or equal to 0',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "hash":"abc"}: `selector` does not match template `labels`',
  ]);
  const deadline = rs({ selector: { matchLabels: { app: 'web' } }, template: { ...template, spec: { ...template.spec, activeDeadlineSeconds: 5 } } });
  assert.deepEqual(validateReplicaSet(deadline).map(formatFieldError), ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported']);
});

void test('selector immutable; table and field selector', () => {
  const old = rs({ selector: { matchLabels: { app: 'web' } }, template });
  const changed = rs({ selector: { matchLabels: { hash: 'abc' } }, template });
  assert.equal(validateReplicaSetUpdate(changed, old).length, 1);
  old.status = { replicas: 2, readyReplicas: 1 };
  old.spec.replicas = 3;
  assert.deepEqual(replicaSetTableRow(old, new Date('2024-05-01T12:00:00Z')), [3, 2, 1, '60m', 'a,b', 'x:1,y:2', 'app=web']);
  assert.equal(replicaSetFieldSelectors['status.replicas']!(old), '2');
});
