import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { budgetSelects, canIgnoreBudgets, mustPinResourceVersion, takeDisruption, unhealthyPodMayGo } from './eviction.ts';

function pod(name: string, opts: { phase?: string; ready?: boolean; deleting?: boolean; labels?: Record<string, string>; namespace?: string } = {}): KubeObject {
  return {
    metadata: { name, namespace: opts.namespace ?? 'default', labels: opts.labels ?? { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    status: { phase: opts.phase ?? 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}

function pdb(status: Record<string, unknown>, spec: Record<string, unknown> = { minAvailable: 2, selector: { matchLabels: { app: 'web' } } }, generation = 1): KubeObject {
  return { metadata: { name: 'web', namespace: 'default', generation }, spec, status };
}

describe('eviction decisions', () => {
  it('ignores budgets for finished, pending and terminating pods, and pins only live ones', () => {
    assert.equal(canIgnoreBudgets(pod('a', { phase: 'Succeeded' })), true);
    assert.equal(canIgnoreBudgets(pod('a', { phase: 'Failed' })), true);
    assert.equal(canIgnoreBudgets(pod('a', { phase: 'Pending' })), true);
    assert.equal(canIgnoreBudgets(pod('a', { deleting: true })), true);
    assert.equal(canIgnoreBudgets(pod('a')), false);
    assert.equal(mustPinResourceVersion(pod('a', { phase: 'Pending' })), true);
    assert.equal(mustPinResourceVersion(pod('a', { phase: 'Failed' })), false);
    assert.equal(mustPinResourceVersion(pod('a', { deleting: true })), false);
  });

  it('matches budgets by selector within the namespace; a missing selector matches nothing, an empty one everything', () => {
    const budget = pdb({});
    assert.equal(budgetSelects(budget, pod('a')), true);
    assert.equal(budgetSelects(budget, pod('a', { labels: { app: 'db' } })), false);
    assert.equal(budgetSelects(budget, pod('a', { namespace: 'other' })), false);
    assert.equal(budgetSelects(pdb({}, { minAvailable: 1 }), pod('a')), false);
    assert.equal(budgetSelects(pdb({}, { minAvailable: 1, selector: {} }), pod('a')), true);
  });

  it('takes one disruption, records the pod, and turns the condition False with the last one', () => {
    const before = pdb({ observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '' }] });
    const decision = takeDisruption(before, 'web-1', '2025-01-01T00:00:00Z');
    assert.ok(decision.allowed);
    assert.equal(decision.status.disruptionsAllowed, 0);
    assert.deepEqual(decision.status.disruptedPods, { 'web-1': '2025-01-01T00:00:00Z' });
    assert.equal(decision.status.conditions[0].status, 'False');
    assert.equal(decision.status.conditions[0].reason, 'InsufficientPods');
    assert.equal((before.status as Record<string, unknown>).disruptionsAllowed, 1, 'the input is not modified');
  });

  it('refuses with 429 when no disruption is allowed, naming the budget and its counts', () => {
    const decision = takeDisruption(pdb({ observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 }), 'web-1', 'now');
    assert.deepEqual(decision, { allowed: false, refusal: { kind: 'tooManyRequests', cause: 'The disruption budget web needs 2 healthy pods and has 2 currently', retryAfterSeconds: 0 } });
  });

  it('refuses while the budget has not been processed for its generation', () => {
    const decision = takeDisruption(pdb({ observedGeneration: 1, disruptionsAllowed: 5 }, undefined, 2), 'web-1', 'now');
    assert.equal(decision.allowed, false);
    assert.equal(!decision.allowed && decision.refusal.kind === 'tooManyRequests' && decision.refusal.cause, 'The disruption budget web is still being processed by the server.');
  });

  it('refuses as forbidden a negative allowance', () => {
    const decision = takeDisruption(pdb({ observedGeneration: 1, disruptionsAllowed: -1 }), 'web-1', 'now');
    assert.equal(!decision.allowed && decision.refusal.kind, 'forbidden');
  });

  it('lets unready pods go without the budget under AlwaysAllow, or while the budget holds', () => {
    const unready = pod('a', { ready: false });
    assert.equal(unhealthyPodMayGo(pdb({ currentHealthy: 0, desiredHealthy: 2 }, { minAvailable: 2, selector: {}, unhealthyPodEvictionPolicy: 'AlwaysAllow' }), unready), true);
    assert.equal(unhealthyPodMayGo(pdb({ currentHealthy: 2, desiredHealthy: 2 }), unready), true);
    assert.equal(unhealthyPodMayGo(pdb({ currentHealthy: 1, desiredHealthy: 2 }), unready), false);
    assert.equal(unhealthyPodMayGo(pdb({ currentHealthy: 0, desiredHealthy: 0 }), unready), false);
    assert.equal(unhealthyPodMayGo(pdb({ currentHealthy: 3, desiredHealthy: 2 }), pod('b')), false, 'ready pods always take from the budget');
  });
});
