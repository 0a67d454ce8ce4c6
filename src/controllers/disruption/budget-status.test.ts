import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta/types.ts';
import { computeBudgetStatus, DELETION_TIMEOUT_MS, type ScaleOfPod } from './budget-status.ts';

const NOW = new Date('2025-01-01T00:10:00Z');
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function pod(name: string, opts: { ready?: boolean; deleting?: boolean; owner?: string } = {}): KubeObject {
  return {
    metadata: {
      name,
      namespace: 'ns',
      labels: { app: 'web' },
      ...(opts.deleting ? { deletionTimestamp: ago(0) } : {}),
      ...(opts.owner === undefined ? {} : { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: opts.owner, uid: opts.owner, controller: true }] }),
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}

function pdb(spec: Record<string, unknown>, status: Record<string, unknown> = {}, generation = 3): KubeObject {
  return { metadata: { name: 'web', namespace: 'ns', generation }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec }, status };
}

/** Every pod's controller is the ReplicaSet its owner reference names, with these scales. */
const scales = (byOwner: Record<string, number>): ScaleOfPod => (p) => {
  const ref = p.metadata.ownerReferences?.[0];
  return ref === undefined || byOwner[ref.uid] === undefined ? undefined : { uid: ref.uid, scale: byOwner[ref.uid]! };
};
const noScales: ScaleOfPod = () => undefined;

const counts = (s: Record<string, unknown>): unknown[] => [s.expectedPods, s.desiredHealthy, s.currentHealthy, s.disruptionsAllowed];

describe('computeBudgetStatus', () => {
  it('integer minAvailable: expects the matching pods, counts ready ones not being deleted', () => {
    const pods = [pod('a'), pod('b'), pod('c', { ready: false }), pod('d', { deleting: true })];
    const { status } = computeBudgetStatus(pdb({ minAvailable: 1 }), pods, noScales, NOW);
    assert.deepEqual(counts(status), [4, 1, 2, 1]);
    assert.equal(status.observedGeneration, 3);
    assert.deepEqual(status.conditions, [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 3, lastTransitionTime: ago(0) }]);
  });

  it('allows nothing when healthy pods do not exceed the minimum', () => {
    const { status } = computeBudgetStatus(pdb({ minAvailable: 3 }), [pod('a'), pod('b'), pod('c')], noScales, NOW);
    assert.deepEqual(counts(status), [3, 3, 3, 0]);
    assert.equal(status.conditions[0].status, 'False');
    assert.equal(status.conditions[0].reason, 'InsufficientPods');
  });

  it('percentage minAvailable and maxUnavailable count the controllers scale, rounding up', () => {
    const pods = [pod('a', { owner: 'rs1' }), pod('b', { owner: 'rs1' }), pod('c', { owner: 'rs2' })];
    const scaleOf = scales({ rs1: 3, rs2: 2 });
    assert.deepEqual(counts(computeBudgetStatus(pdb({ minAvailable: '50%' }), pods, scaleOf, NOW).status), [5, 3, 3, 0]);
    assert.deepEqual(counts(computeBudgetStatus(pdb({ maxUnavailable: '30%' }), pods, scaleOf, NOW).status), [5, 3, 3, 0]);
    assert.deepEqual(counts(computeBudgetStatus(pdb({ maxUnavailable: 1 }), pods, scaleOf, NOW).status), [5, 4, 3, 0]);
    assert.deepEqual(counts(computeBudgetStatus(pdb({ minAvailable: '20%' }), pods, scaleOf, NOW).status), [5, 1, 3, 2]);
  });

  it('fails safe (SyncFailed, nothing allowed) when a pod has no known controller', () => {
    const result = computeBudgetStatus(pdb({ maxUnavailable: 1 }), [pod('a', { owner: 'rs1' }), pod('bare')], scales({ rs1: 2 }), NOW);
    assert.equal(result.status.disruptionsAllowed, 0);
    assert.equal(result.status.conditions[0].reason, 'SyncFailed');
    assert.match(result.failure ?? '', /bare/);
  });

  it('keeps recent disruptedPods out of the healthy count, drops stale, deleted and gone ones, and says when to look again', () => {
    const disruptedPods = { a: ago(10_000), b: ago(DELETION_TIMEOUT_MS + 1000), c: ago(5_000), gone: ago(1000) };
    const pods = [pod('a'), pod('b'), pod('c', { deleting: true }), pod('d')];
    const result = computeBudgetStatus(pdb({ minAvailable: 1 }, { disruptedPods }), pods, noScales, NOW);
    assert.deepEqual(result.status.disruptedPods, { a: disruptedPods.a });
    assert.deepEqual(counts(result.status), [4, 1, 2, 1], 'a (just evicted) and c (deleting) are not healthy');
    assert.equal(result.recheckAt, Date.parse(disruptedPods.a) + DELETION_TIMEOUT_MS);
  });

  it('expects nothing and allows nothing when no pod matches', () => {
    assert.deepEqual(counts(computeBudgetStatus(pdb({ minAvailable: 0 }), [], noScales, NOW).status), [0, 0, 0, 0]);
  });
});
