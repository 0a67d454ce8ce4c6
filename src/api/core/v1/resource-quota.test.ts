import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultLimitRange, limitRangeTableRow, validateLimitRange } from './limit-range.ts';
import { quotaCells, validateResourceQuota } from './resource-quota.ts';

const meta = { name: 'q', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' };

void test('quotas: quantities and scopes are validated', () => {
  assert.deepEqual(validateResourceQuota({ metadata: meta, spec: { hard: { pods: '10', 'requests.cpu': '500m' } } }), []);
  const bad: KubeObject = { metadata: meta, spec: { hard: { pods: 'ten', 'requests.memory': '-1Gi' }, scopes: ['Sometimes'], scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In' }] } } };
  assert.deepEqual(validateResourceQuota(bad).map(formatFieldError), [
    "spec.hard[pods]: Invalid value: \"ten\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    'spec.hard[requests.memory]: Invalid value: "-1Gi": must be greater than or equal to 0',
    'spec.scopes[0]: Unsupported value: "Sometimes": supported values: "BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating"',
    "spec.scopeSelector.matchExpressions[0].values: Required value: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
  ]);
});

void test('quota REQUEST and LIMIT cells: used/hard by resource, sorted', () => {
  assert.deepEqual(quotaCells({ hard: { pods: '10', 'limits.cpu': '2', 'requests.cpu': '1' }, used: { pods: '3', 'requests.cpu': '250m' } }), [
    'pods: 3/10, requests.cpu: 250m/1',
    'limits.cpu: 0/2',
  ]);
  assert.deepEqual(quotaCells(undefined), ['', '']);
});

void test('limit ranges: container defaults from max and default, bounds ordered', () => {
  const lr: KubeObject = { metadata: meta, spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }, { type: 'Pod', max: { cpu: '4' } }] } };
  defaultLimitRange(lr);
  assert.deepEqual(lr.spec.limits, [
    { type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' }, default: { cpu: '2' }, defaultRequest: { cpu: '2', memory: '64Mi' } },
    { type: 'Pod', max: { cpu: '4' } },
  ]);
  assert.deepEqual(validateLimitRange(lr), []);
  const bad: KubeObject = { metadata: meta, spec: { limits: [{ max: { cpu: '1' } }, { type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }, { type: 'Pod', default: { cpu: '1' } }] } };
  assert.deepEqual(validateLimitRange(bad).map(formatFieldError), [
    'spec.limits[0].type: Required value',
    'spec.limits[1].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
    "spec.limits[2].default: Forbidden: may not be specified when `type` is 'Pod'",
  ]);
  assert.deepEqual(limitRangeTableRow(lr), ['2024-05-01T11:00:00Z']);
});
