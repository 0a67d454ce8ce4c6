import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { daemonSetType } from '../../api/apps/v1/daemonset.ts';
import { nodeType } from '../../api/core/v1/node.ts';
import { podType } from '../../api/core/v1/pod.ts';
import { affinityNodeName } from '../../api/core/v1/node-affinity.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { startControllers, type ControllerHarness } from '../testing/harness.ts';
import { markPod, template } from '../testing/objects.ts';
import { daemonSetController, nodeVerdict } from './daemonset-controller.ts';

function daemonSet(extra: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { namespace: 'ns', name: 'agent' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: template({ app: 'agent' }),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
      ...extra,
    },
  };
}

const node = (name: string, labels: Record<string, string> = {}, taints: unknown[] = []): KubeObject => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { taints }, status: {} });
const live = (h: ControllerHarness): KubeObject[] => h.list(podType, 'ns').filter((p) => p.metadata.deletionTimestamp === undefined);
const nodesOf = (h: ControllerHarness): string[] => live(h).map((p) => affinityNodeName(p.spec) ?? '').sort();
const ds = (h: ControllerHarness): KubeObject => h.api.get(daemonSetType, 'ns', 'agent')!;

/** Binds every pod to its affinity node and marks it ready: the scheduler and the kubelets. */
function runAll(h: ControllerHarness): void {
  for (const p of live(h)) {
    if (p.spec.nodeName === undefined) h.api.put(podType, { ...p, spec: { ...p.spec, nodeName: affinityNodeName(p.spec) } });
    const current = h.api.get(podType, 'ns', p.metadata.name ?? '')!;
    if (current.status?.phase !== 'Running') markPod(h.api, current, true, h.clock.wallNow());
  }
}

describe('daemonset controller', () => {
  it('runs one pod per eligible node: nodeSelector and taints decide, the default tolerations apply', async () => {
    const h = await startControllers([daemonSetController], {
      seed: (api) => {
        api.put(daemonSetType, daemonSet({ template: { ...template({ app: 'agent' }), spec: { ...template({ app: 'agent' }).spec as object, nodeSelector: { role: 'worker' } } } }));
        api.put(nodeType, node('worker-1', { role: 'worker' }));
        api.put(nodeType, node('worker-2', { role: 'worker' }, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]));
        api.put(nodeType, node('worker-3', { role: 'worker' }, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]));
        api.put(nodeType, node('cp-1', { role: 'control-plane' }));
      },
    });
    try {
      await h.until(() => live(h).length === 2, 'two daemon pods');
      assert.deepEqual(nodesOf(h), ['worker-1', 'worker-2'], 'a cordoned node runs daemons; an untolerated taint and a nodeSelector keep them off');
      const p = live(h)[0]!;
      assert.match(p.metadata.name ?? '', /^agent-/);
      assert.ok(p.metadata.labels?.['controller-revision-hash']);
      const keys = (p.spec.tolerations as { key: string; effect: string }[]).map((t) => `${t.key}:${t.effect}`);
      assert.ok(keys.includes('node.kubernetes.io/unreachable:NoExecute') && keys.includes('node.kubernetes.io/unschedulable:NoSchedule'));
      await h.until(() => ds(h).status?.desiredNumberScheduled === 2 && ds(h).status?.currentNumberScheduled === 2, 'the status');

      h.api.put(nodeType, node('worker-4', { role: 'worker' }));
      await h.until(() => nodesOf(h).includes('worker-4'), 'a pod on the new node');
      h.api.put(nodeType, { ...h.api.get(nodeType, undefined, 'worker-1')!, metadata: { name: 'worker-1', labels: { role: 'none' } } });
      await h.until(() => !nodesOf(h).includes('worker-1'), 'the pod removed from a node that stopped matching');
      await h.until(() => h.events('agent').length === 4, 'three creation events and a deletion event');
      assert.deepEqual(h.events('agent').filter((e) => e.startsWith('Normal SuccessfulCreate: Created pod: agent-')).length, 3);
      assert.ok(h.events('agent').some((e) => e.startsWith('Normal SuccessfulDelete: Deleted pod: agent-')));

      // A failed daemon pod is reported and replaced.
      const failed = live(h).find((p) => affinityNodeName(p.spec) === 'worker-2')!;
      h.api.put(podType, { ...failed, status: { phase: 'Failed' } });
      await h.until(() => h.events('agent').includes(`Warning FailedDaemonPod: Found failed daemon pod ns/${failed.metadata.name} on node worker-2, will try to kill it`), 'the failed pod told');
      await h.until(() => nodesOf(h).includes('worker-2') && !live(h).some((p) => p.metadata.name === failed.metadata.name), 'its replacement');
    } finally {
      await h.stop();
    }
  });

  it('rolls a new template out one node at a time with maxUnavailable 1', async () => {
    const h = await startControllers([daemonSetController], {
      seed: (api) => {
        api.put(daemonSetType, daemonSet());
        for (const n of ['a', 'b', 'c']) api.put(nodeType, node(n));
      },
    });
    try {
      await h.until(() => {
        runAll(h);
        return ds(h).status?.numberAvailable === 3;
      }, 'three available pods');
      const changed = structuredClone(ds(h));
      changed.spec.template.spec.containers[0].image = 'app:2';
      h.api.put(daemonSetType, changed);
      await h.until(() => {
        const available = live(h).filter((p) => p.status?.phase === 'Running' && p.status.conditions?.[0]?.status === 'True').length;
        assert.ok(available >= 2, `at most one node without an available pod, saw ${available} available`);
        runAll(h);
        return ds(h).status?.observedGeneration === ds(h).metadata.generation && ds(h).status?.updatedNumberScheduled === 3 && ds(h).status?.numberAvailable === 3;
      }, 'the rollout');
      assert.ok(live(h).every((p) => p.spec.containers[0].image === 'app:2'));
    } finally {
      await h.stop();
    }
  });

  it('nodeVerdict(): NoSchedule keeps new daemons off but lets running ones stay; NoExecute evicts', () => {
    const d = daemonSet();
    assert.deepEqual(nodeVerdict(d, node('n', {}, [{ key: 'x', effect: 'NoSchedule' }])), { shouldRun: false, mayStay: true });
    assert.deepEqual(nodeVerdict(d, node('n', {}, [{ key: 'x', effect: 'NoExecute' }])), { shouldRun: false, mayStay: false });
    assert.deepEqual(nodeVerdict(d, node('n', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }])), { shouldRun: true, mayStay: true });
  });
});
