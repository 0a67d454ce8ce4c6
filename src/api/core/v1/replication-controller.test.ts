import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultPodTemplateObject, podTemplateTableRow, validatePodTemplateObject } from './pod-template.ts';
import {
  defaultReplicationController,
  replicationControllerSelector,
  replicationControllerTableRow,
  validateReplicationController,
} from './replication-controller.ts';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };

function rc(spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject {
  const obj: KubeObject = { metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z', ...(labels ? { labels } : {}) }, spec };
  defaultReplicationController(obj);
  return obj;
}

void test('replication controllers take selector and labels from the template, and 1 replica', () => {
  const obj = rc({ template: structuredClone(template) });
  assert.deepEqual(obj.spec.selector, { app: 'web' });
  assert.deepEqual(obj.metadata.labels, { app: 'web' });
  assert.equal(obj.spec.replicas, 1);
  assert.equal(obj.spec.template.spec.restartPolicy, 'Always');
  assert.deepEqual(validateReplicationController(obj), []);
  assert.equal(replicationControllerSelector(obj), 'app=web');
  obj.status = { replicas: 1, readyReplicas: 1 };
  assert.deepEqual(replicationControllerTableRow(obj, new Date('2024-05-01T12:00:00Z')), [1, 1, 1, '60m', 'web', 'nginx:1.27', 'app=web']);
  assert.deepEqual(rc({ template: structuredClone(template) }, { team: 'a' }).metadata.labels, { team: 'a' });
});

void test('a selector is required and must match the template', () => {
  assert.deepEqual(validateReplicationController(rc({ template: { spec: template.spec } })).map(formatFieldError), ['spec.selector: Required value']);
  assert.deepEqual(validateReplicationController(rc({ selector: { app: 'db' }, template: structuredClone(template) })).map(formatFieldError), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(validateReplicationController(rc({ selector: { app: 'web' } })).map(formatFieldError), ['spec.template: Required value']);
});

void test('pod templates are defaulted and validated like a workload template', () => {
  const pt: KubeObject = { metadata: { name: 'pt', namespace: 'default' }, template: structuredClone(template) };
  defaultPodTemplateObject(pt);
  assert.equal((pt.template as { spec: { restartPolicy: string } }).spec.restartPolicy, 'Always');
  assert.deepEqual(validatePodTemplateObject(pt), []);
  assert.deepEqual(podTemplateTableRow(pt), ['web', 'nginx:1.27', 'app=web']);
  assert.deepEqual(validatePodTemplateObject({ metadata: { name: 'pt' } }).map(formatFieldError), ['template: Required value']);
});
