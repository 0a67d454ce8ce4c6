import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { addDefaultTolerations } from './pod-default-tolerations.ts';
import { TAINT_NOT_READY, TAINT_UNREACHABLE, toleratesTaint } from './taints.ts';

describe('tolerations', () => {
  it('match taints by key, value, operator and effect', () => {
    const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
    assert.equal(toleratesTaint({ key: 'dedicated', value: 'gpu' }, taint), true, 'Equal is the default operator; an empty effect matches all');
    assert.equal(toleratesTaint({ key: 'dedicated', value: 'cpu' }, taint), false);
    assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, taint), true);
    assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, taint), false);
    assert.equal(toleratesTaint({ operator: 'Exists' }, taint), true, 'an empty key with Exists tolerates everything');
    assert.equal(toleratesTaint({ value: 'gpu' }, taint), false, 'an empty key needs Exists');
  });

  it('new pods get the default not-ready and unreachable tolerations unless they bring their own', () => {
    const pod: KubeObject = { metadata: {}, spec: { containers: [] } };
    addDefaultTolerations(pod, { notReady: 30, unreachable: 45 });
    assert.deepEqual(pod.spec.tolerations, [
      { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 45 },
    ]);
    const own: KubeObject = { metadata: {}, spec: { tolerations: [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }] } };
    addDefaultTolerations(own);
    assert.deepEqual(own.spec.tolerations.map((t: { key?: string }) => t.key), [TAINT_UNREACHABLE, TAINT_NOT_READY]);
    const all: KubeObject = { metadata: {}, spec: { tolerations: [{ operator: 'Exists' }] } };
    addDefaultTolerations(all);
    assert.equal(all.spec.tolerations.length, 1, 'a toleration of everything covers both');
  });
});
