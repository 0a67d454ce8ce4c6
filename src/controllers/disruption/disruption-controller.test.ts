import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentType } from '../../api/apps/v1/deployment.ts';
import { replicaSetType } from '../../api/apps/v1/replicaset.ts';
import { podType } from '../../api/core/v1/pod.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { podDisruptionBudgetType } from '../../api/policy/v1/pod-disruption-budget.ts';
import { startControllers, type ControllerHarness } from '../testing/harness.ts';
import { markPod, pod } from '../testing/objects.ts';
import { DELETION_TIMEOUT_MS } from './budget-status.ts';
import { disruptionController } from './disruption-controller.ts';

const LABELS = { app: 'web' };

function status(h: ControllerHarness, name = 'web'): Record<string, any> {
  return (h.api.get(podDisruptionBudgetType, 'ns', name)?.status ?? {}) as Record<string, any>;
}

/** A Deployment of `replicas`, its ReplicaSet, and `ready` running pods of it. */
function seedDeployment(h: ControllerHarness, replicas: number, ready: number): KubeObject[] {
  const deployment = h.api.put(deploymentType, { metadata: { namespace: 'ns', name: 'web' }, spec: { replicas, selector: { matchLabels: LABELS } } });
  const rs = h.api.put(replicaSetType, {
    metadata: { namespace: 'ns', name: 'web-1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deployment.metadata.uid!, controller: true }] },
    spec: { replicas, selector: { matchLabels: LABELS } },
  });
  const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: rs.metadata.uid!, controller: true }];
  const pods: KubeObject[] = [];
  for (let i = 0; i < ready; i++) {
    const p = h.api.put(podType, pod(`web-${i}`, LABELS, { metadata: { namespace: 'ns', name: `web-${i}`, labels: LABELS, ownerReferences: owner } }));
    pods.push(markPod(h.api, p, true, h.clock.wallNow()));
  }
  return pods;
}

describe('disruption controller', () => {
  it('writes the status of a percentage budget from the Deployment scale, and follows pods and scale', async () => {
    const h = await startControllers([disruptionController]);
    try {
      const pods = seedDeployment(h, 4, 4);
      h.api.put(podDisruptionBudgetType, { metadata: { namespace: 'ns', name: 'web' }, spec: { minAvailable: '50%', selector: { matchLabels: LABELS } } });
      await h.until(() => status(h).disruptionsAllowed === 2, 'two disruptions allowed of 4 pods at 50%');
      assert.deepEqual([status(h).expectedPods, status(h).desiredHealthy, status(h).currentHealthy, status(h).observedGeneration], [4, 2, 4, 1]);
      assert.equal(status(h).conditions[0].reason, 'SufficientPods');

      markPod(h.api, pods[0]!, false, h.clock.wallNow());
      markPod(h.api, pods[1]!, false, h.clock.wallNow());
      await h.until(() => status(h).disruptionsAllowed === 0, 'no disruption once two pods are unready');
      assert.equal(status(h).conditions[0].reason, 'InsufficientPods');

      const deployment = h.api.get(deploymentType, 'ns', 'web')!;
      h.api.put(deploymentType, { ...deployment, spec: { ...deployment.spec, replicas: 2 } });
      await h.until(() => status(h).expectedPods === 2 && status(h).disruptionsAllowed === 1, 'the scale-down counted');
    } finally {
      await h.stop();
    }
  });

  it('forgets an eviction that did not happen after the deletion timeout', async () => {
    const h = await startControllers([disruptionController]);
    try {
      seedDeployment(h, 3, 3);
      const at = h.clock.wallNow().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const budget = h.api.put(podDisruptionBudgetType, { metadata: { namespace: 'ns', name: 'web' }, spec: { minAvailable: 2, selector: { matchLabels: LABELS } } });
      h.api.put(podDisruptionBudgetType, { ...budget, status: { disruptedPods: { 'web-0': at, 'web-gone': at } } });
      await h.until(() => status(h).currentHealthy === 2 && status(h).disruptionsAllowed === 0, 'the evicted pod is not counted healthy');
      assert.deepEqual(Object.keys(status(h).disruptedPods ?? {}), ['web-0'], 'entries of pods that are gone are dropped');
      await h.until(() => status(h).disruptedPods === undefined && status(h).disruptionsAllowed === 1, 'the stale eviction forgotten', DELETION_TIMEOUT_MS / 4);
    } finally {
      await h.stop();
    }
  });
});
