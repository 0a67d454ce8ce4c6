import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { daemonSetTableColumns, daemonSetTableRow, defaultDaemonSet, validateDaemonSet, validateDaemonSetUpdate } from './daemonset.ts';

const template = { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { os: 'linux' }, containers: [{ name: 'agent', image: 'agent:1' }] } };

function ds(spec: Record<string, unknown>): KubeObject {
  const d: KubeObject = { metadata: { name: 'agent', namespace: 'kube-system', creationTimestamp: '2024-05-01T11:00:00Z' }, spec };
  defaultDaemonSet(d);
  return d;
}

void test('defaults: RollingUpdate with maxUnavailable 1 and maxSurge 0', () => {
  const d = ds({ selector: { matchLabels: { app: 'agent' } }, template });
  assert.deepEqual(d.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(d.spec.revisionHistoryLimit, 10);
  assert.deepEqual(validateDaemonSet(d), []);
});

void test('exactly one of maxUnavailable and maxSurge is non-zero', () => {
  const both = ds({ selector: { matchLabels: { app: 'agent' } }, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } });
  assert.deepEqual(validateDaemonSet(both).map(formatFieldError), ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero']);
  const none = ds({ selector: { matchLabels: { app: 'agent' } }, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } });
  assert.deepEqual(validateDaemonSet(none).map(formatFieldError), ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']);
});

void test('selector immutable; the table row', () => {
  const old = ds({ selector: { matchLabels: { app: 'agent' } }, template });
  assert.equal(validateDaemonSetUpdate(ds({ selector: { matchLabels: { app: 'agent2' } }, template: { ...template, metadata: { labels: { app: 'agent2' } } } }), old).length, 1);
  old.status = { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
  const row = daemonSetTableRow(old, new Date('2024-05-01T12:00:00Z'));
  assert.equal(row.length, daemonSetTableColumns.length);
  assert.deepEqual(row, [3, 3, 2, 3, 2, 'os=linux', '60m', 'agent', 'agent:1', 'app=agent']);
});
