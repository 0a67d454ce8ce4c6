import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import {
  defaultPriorityClass,
  globalDefaultOf,
  priorityClassTableRow,
  resolvePodPriority,
  SYSTEM_PRIORITY_CLASSES,
  systemPriorityClass,
  validatePriorityClass,
  validatePriorityClassUpdate,
} from './priority-class.ts';

function pc(name: string, value: unknown, extra: Record<string, unknown> = {}): KubeObject {
  const obj: KubeObject = { metadata: { name, creationTimestamp: '2024-05-01T11:00:00Z' }, value, ...extra };
  defaultPriorityClass(obj);
  return obj;
}

void test('user classes up to one billion; system- names are reserved; the built-ins are valid', () => {
  assert.deepEqual(validatePriorityClass(pc('high', 1000)), []);
  assert.equal(pc('high', 1000).preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual(validatePriorityClass(pc('huge', 1_000_000_001)).map(formatFieldError), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  assert.deepEqual(validatePriorityClass(pc('system-mine', 5)).map(formatFieldError), ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved"]);
  assert.deepEqual(validatePriorityClass(pc('system-node-critical', 5)).map(formatFieldError), ['value: Forbidden: value of system-node-critical PriorityClass must be 2000001000']);
  for (const c of SYSTEM_PRIORITY_CLASSES) {
    const obj = systemPriorityClass(c);
    defaultPriorityClass(obj);
    assert.deepEqual(validatePriorityClass(obj), [], c.name);
  }
  assert.deepEqual(validatePriorityClass(pc('none', undefined)).map(formatFieldError), ['value: Required value']);
  assert.deepEqual(validatePriorityClass(pc('p', 1, { preemptionPolicy: 'Sometimes' })).map(formatFieldError), [
    'preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"',
  ]);
});

void test('value and preemption policy are immutable', () => {
  const old = pc('high', 1000);
  assert.deepEqual(validatePriorityClassUpdate(pc('high', 1000, { description: 'changed' }), old), []);
  assert.deepEqual(validatePriorityClassUpdate(pc('high', 2000, { preemptionPolicy: 'Never' }), old).map(formatFieldError), [
    'value: Forbidden: may not be changed in an update.',
    'preemptionPolicy: Invalid value: "Never": field is immutable',
  ]);
  assert.deepEqual(priorityClassTableRow(pc('high', 1000, { globalDefault: true }), new Date('2024-05-01T12:00:00Z')), [1000, true, '60m', 'PreemptLowerPriority']);
});

void test('pod priority: from the named class, the global default, or 0', () => {
  const classes = [pc('high', 1000), pc('polite', 500, { preemptionPolicy: 'Never' }), pc('default-b', 20, { globalDefault: true }), pc('default-a', 10, { globalDefault: true })];
  const lookup = { get: (n: string) => classes.find((c) => c.metadata.name === n), globalDefault: () => globalDefaultOf(classes) };
  assert.deepEqual(resolvePodPriority({ priorityClassName: 'high' }, lookup), { className: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' });
  assert.deepEqual(resolvePodPriority({ priorityClassName: 'polite' }, lookup), { className: 'polite', priority: 500, preemptionPolicy: 'Never' });
  // Several defaults: the lowest value wins, as upstream.
  assert.deepEqual(resolvePodPriority({}, lookup), { className: 'default-a', priority: 10, preemptionPolicy: 'PreemptLowerPriority' });
  assert.deepEqual(resolvePodPriority({}, { get: () => undefined, globalDefault: () => undefined }), { className: '', priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
  // A pod that states what its class gives is fine.
  assert.deepEqual(resolvePodPriority({ priorityClassName: 'high', priority: 1000 }, lookup), { className: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' });
});

void test('pod priority: unknown classes and contradicting pods are refused with upstream messages', () => {
  const lookup = { get: (n: string) => (n === 'high' ? pc('high', 1000) : undefined), globalDefault: () => undefined };
  assert.deepEqual(resolvePodPriority({ priorityClassName: 'nope' }, lookup), { error: 'no PriorityClass with name nope was found' });
  assert.deepEqual(resolvePodPriority({ priority: 7 }, lookup), {
    error: 'the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
  });
  assert.deepEqual(resolvePodPriority({ priorityClassName: 'high', preemptionPolicy: 'Never' }, lookup), {
    error: 'the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name',
  });
});
