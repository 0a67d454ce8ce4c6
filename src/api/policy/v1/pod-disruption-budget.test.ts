import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { podDisruptionBudgetTableRow, validatePodDisruptionBudget } from './pod-disruption-budget.ts';

function pdb(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'web', namespace: 'default', creationTimestamp: '2025-01-01T00:00:00Z' }, spec, status };
}

const fields = (obj: KubeObject): string[] => validatePodDisruptionBudget(obj).map((e) => `${e.type} ${e.field}`);

describe('PodDisruptionBudget validation', () => {
  it('accepts integers and percentages for either bound, and both eviction policies', () => {
    assert.deepEqual(fields(pdb({ minAvailable: 2, selector: { matchLabels: { app: 'web' } } })), []);
    assert.deepEqual(fields(pdb({ maxUnavailable: '25%', unhealthyPodEvictionPolicy: 'AlwaysAllow' })), []);
    assert.deepEqual(fields(pdb({ minAvailable: '100%', unhealthyPodEvictionPolicy: 'IfHealthyBudget' })), []);
    assert.deepEqual(fields(pdb({})), [], 'neither bound is allowed (no voluntary disruption)');
  });

  it('refuses both bounds at once, at spec, as upstream', () => {
    const errs = validatePodDisruptionBudget(pdb({ minAvailable: 1, maxUnavailable: 1 }));
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.field, 'spec');
    assert.equal(errs[0]!.type, 'FieldValueInvalid');
    assert.equal(errs[0]!.detail, 'minAvailable and maxUnavailable cannot be both set');
  });

  it('refuses negative numbers, malformed or over-100% percentages, unknown policies, bad selectors and negative status counts', () => {
    assert.deepEqual(fields(pdb({ minAvailable: -1 })), ['FieldValueInvalid spec.minAvailable']);
    assert.deepEqual(fields(pdb({ maxUnavailable: '150%' })), ['FieldValueInvalid spec.maxUnavailable']);
    assert.deepEqual(fields(pdb({ maxUnavailable: 'half' })), ['FieldValueInvalid spec.maxUnavailable']);
    assert.deepEqual(fields(pdb({ unhealthyPodEvictionPolicy: 'Never' })), ['FieldValueNotSupported spec.unhealthyPodEvictionPolicy']);
    assert.deepEqual(fields(pdb({ selector: { matchLabels: { app: 'no spaces' } } })), ['FieldValueInvalid spec.selector.matchLabels']);
    assert.deepEqual(fields(pdb({}, { disruptionsAllowed: -1, expectedPods: 2 })), ['FieldValueInvalid status.disruptionsAllowed']);
  });
});

describe('PodDisruptionBudget table', () => {
  it('shows N/A for the bound that is unset, and the allowed disruptions', () => {
    const now = new Date('2025-01-01T00:05:00Z');
    assert.deepEqual(podDisruptionBudgetTableRow(pdb({ minAvailable: 2 }, { disruptionsAllowed: 1 }), now), ['2', 'N/A', 1, '5m']);
    assert.deepEqual(podDisruptionBudgetTableRow(pdb({ maxUnavailable: '25%' }), now), ['N/A', '25%', 0, '5m']);
  });
});
