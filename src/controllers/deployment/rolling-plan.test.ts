import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta/types.ts';
import { newReplicaSetTarget, oldReplicaSetTargets } from './rolling-plan.ts';

const d = (replicas: number, maxSurge: unknown, maxUnavailable: unknown): KubeObject => ({
  metadata: { name: 'd' },
  spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } },
});
const rs = (name: string, replicas: number, available: number, created = '2025-01-01T00:00:00Z'): KubeObject => ({
  metadata: { name, creationTimestamp: created },
  spec: { replicas },
  status: { replicas, availableReplicas: available },
});

describe('rolling update plan', () => {
  it('grows the new ReplicaSet only up to replicas + maxSurge in total', () => {
    const old = rs('old', 10, 10);
    const fresh = rs('new', 0, 0);
    assert.equal(newReplicaSetTarget(d(10, 3, 2), [old, fresh], fresh), 3);
    assert.equal(newReplicaSetTarget(d(10, '25%', '25%'), [old, fresh], fresh), 3, '25% of 10 rounds up to 3');
    assert.equal(newReplicaSetTarget(d(10, 0, 1), [old, fresh], fresh), 0, 'no surge: old pods must go first');
  });

  it('shrinks old ReplicaSets while enough pods stay available, never counting unavailable new pods', () => {
    const old = rs('old', 10, 10);
    const fresh = rs('new', 3, 0);
    assert.deepEqual([...oldReplicaSetTargets(d(10, 3, 2), [old, fresh], [old], fresh)], [['old', 8]]);
    const stalled = rs('new', 5, 0);
    const shrunk = rs('old', 8, 8);
    assert.deepEqual([...oldReplicaSetTargets(d(10, 3, 2), [shrunk, stalled], [shrunk], stalled)], [], 'no further while new pods are unavailable');
  });

  it('removes unavailable old pods first, oldest ReplicaSet first', () => {
    const older = rs('older', 2, 0, '2024-01-01T00:00:00Z');
    const old = rs('old', 5, 5, '2024-06-01T00:00:00Z');
    const fresh = rs('new', 3, 3);
    const targets = oldReplicaSetTargets(d(8, 0, 1), [older, old, fresh], [older, old], fresh);
    // 10 pods wanted, 7 required available, 8 available: both broken old pods go, then one healthy one.
    assert.deepEqual([...targets].sort(), [
      ['old', 4],
      ['older', 0],
    ]);
  });
});
