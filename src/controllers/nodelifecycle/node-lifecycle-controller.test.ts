import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leaseType } from '../../api/coordination/v1/lease.ts';
import { eventType } from '../../api/core/v1/event.ts';
import { nodeType } from '../../api/core/v1/node.ts';
import { podType } from '../../api/core/v1/pod.ts';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from '../../api/core/v1/taints.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { isPodReady } from '../common/pod-state.ts';
import { evictionDeadline, taintEvictionController } from '../taint-eviction/taint-eviction-controller.ts';
import { startControllers, type ControllerHarness } from '../testing/harness.ts';
import { nodeLifecycleController } from './node-lifecycle-controller.ts';

const stamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const node = (h: ControllerHarness): KubeObject => h.api.get(nodeType, undefined, 'worker-1')!;
const ready = (n: KubeObject): Record<string, any> | undefined => (n.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
const taintKeys = (n: KubeObject): string[] => (n.spec?.taints ?? []).map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`).sort();
const pod = (h: ControllerHarness, name: string): KubeObject | undefined => h.api.get(podType, 'ns', name);

/** The node's kubelet: renews the lease and posts Ready. */
function heartbeat(h: ControllerHarness, status: 'True' | 'False' = 'True'): void {
  const now = stamp(h.clock.wallNow());
  const lease = h.api.get(leaseType, 'kube-node-lease', 'worker-1')!;
  h.api.put(leaseType, { ...lease, spec: { ...lease.spec, renewTime: h.clock.wallNow().toISOString() } });
  const n = node(h);
  h.api.put(nodeType, { ...n, status: { ...n.status, conditions: [{ type: 'Ready', status, reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }] } });
}

function runningPod(name: string, tolerations: unknown[] | undefined): KubeObject {
  return {
    metadata: { namespace: 'ns', name },
    spec: { nodeName: 'worker-1', containers: [{ name: 'c' }], ...(tolerations ? { tolerations } : {}) },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

const defaultTolerations = [
  { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
  { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
];

describe('node lifecycle and taint eviction', () => {
  it('marks a silent node Unknown after the grace period, taints it, marks its pods not ready and evicts them as their tolerations run out', async () => {
    const h = await startControllers([nodeLifecycleController, taintEvictionController], {
      seed: (api) => {
        api.put(nodeType, { metadata: { name: 'worker-1' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2025-01-01T00:00:00Z' }] } });
        api.put(leaseType, { metadata: { namespace: 'kube-node-lease', name: 'worker-1' }, spec: { holderIdentity: 'worker-1', renewTime: '2025-01-01T00:00:00.000000Z', leaseDurationSeconds: 40 } });
        api.put(podType, runningPod('tolerates-30s', defaultTolerations));
        api.put(podType, runningPod('tolerates-nothing', undefined));
        api.put(podType, runningPod('tolerates-forever', [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }, { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute' }]));
      },
    });
    try {
      // A kubelet that keeps renewing keeps its node healthy.
      for (let i = 0; i < 4; i++) {
        await h.clock.advance(4_000);
        heartbeat(h);
      }
      await h.quiesce();
      assert.equal(ready(node(h))?.status, 'True');
      assert.deepEqual(taintKeys(node(h)), []);

      // It stops: Unknown within the 10 s grace period, not before.
      await h.clock.advance(9_000);
      await h.quiesce();
      assert.equal(ready(node(h))?.status, 'True', 'still within the grace period');
      await h.until(() => ready(node(h))?.status === 'Unknown', 'the node to go Unknown', 500);
      assert.equal(ready(node(h))?.reason, 'NodeStatusUnknown');
      assert.equal(ready(node(h))?.message, 'Kubelet stopped posting node status.');
      const others = (node(h).status.conditions as { type: string; status: string }[]).filter((c) => c.type !== 'Ready');
      assert.deepEqual(others.map((c) => `${c.type}=${c.status}`).sort(), ['DiskPressure=Unknown', 'MemoryPressure=Unknown', 'PIDPressure=Unknown']);
      await h.until(() => taintKeys(node(h)).length === 2, 'the unreachable taints');
      assert.deepEqual(taintKeys(node(h)), [`${TAINT_UNREACHABLE}:NoExecute`, `${TAINT_UNREACHABLE}:NoSchedule`]);
      await h.until(() => !isPodReady(pod(h, 'tolerates-forever')!), 'pods marked not ready');

      await h.until(() => pod(h, 'tolerates-nothing') === undefined, 'the pod without a toleration evicted at once');
      assert.equal(pod(h, 'tolerates-nothing'), undefined);
      assert.ok(pod(h, 'tolerates-30s'), 'the default toleration holds for now');
      await h.clock.advance(25_000);
      await h.quiesce();
      assert.ok(pod(h, 'tolerates-30s'), 'still tolerated after 25 s');
      await h.until(() => pod(h, 'tolerates-30s') === undefined, 'eviction when the 30 s run out', 1_000);
      assert.ok(pod(h, 'tolerates-forever'), 'a toleration without seconds never runs out');

      // The kubelet comes back.
      heartbeat(h);
      await h.until(() => taintKeys(node(h)).length === 0, 'the taints removed');
      assert.equal(ready(node(h))?.status, 'True');

      // What it told about the node and the pods.
      await h.until(() => h.events('worker-1').length === 2, 'the node events');
      assert.deepEqual(h.events('worker-1'), ['Normal RegisteredNode: Node worker-1 event: Registered Node worker-1 in Controller', 'Normal NodeNotReady: Node worker-1 status is now: NodeNotReady']);
      for (const name of ['tolerates-30s', 'tolerates-nothing', 'tolerates-forever']) assert.ok(h.events(name).includes('Warning NodeNotReady: Node is not ready'), name);
      assert.deepEqual(h.events('tolerates-nothing').filter((e) => e.includes('TaintManagerEviction')), ['Normal TaintManagerEviction: Marking for deletion Pod ns/tolerates-nothing']);
      const nodeEvent = h.api.list(eventType, 'default').find((e) => e.reason === 'RegisteredNode')!;
      assert.deepEqual([nodeEvent.source, (nodeEvent.involvedObject as { kind: string }).kind], [{ component: 'node-controller' }, 'Node']);

      h.api.delete(nodeType, undefined, 'worker-1');
      await h.until(() => h.events('worker-1').includes('Normal RemovingNode: Node worker-1 event: Removing Node worker-1 from Controller'), 'the removal told');
    } finally {
      await h.stop();
    }
  });

  it('taints a node that reports NotReady with not-ready, and a cordoned one with unschedulable', async () => {
    const h = await startControllers([nodeLifecycleController], {
      seed: (api) => {
        api.put(nodeType, { metadata: { name: 'worker-1' }, spec: { unschedulable: true, taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] }, status: {} });
        api.put(leaseType, { metadata: { namespace: 'kube-node-lease', name: 'worker-1' }, spec: { renewTime: '2025-01-01T00:00:00.000000Z' } });
      },
    });
    try {
      heartbeat(h, 'False');
      await h.until(() => taintKeys(node(h)).length === 4, 'the taints');
      assert.deepEqual(taintKeys(node(h)), ['dedicated:NoSchedule', `${TAINT_NOT_READY}:NoExecute`, `${TAINT_NOT_READY}:NoSchedule`, 'node.kubernetes.io/unschedulable:NoSchedule']);
      const noExecute = (node(h).spec.taints as { effect: string; timeAdded?: string }[]).find((t) => t.effect === 'NoExecute');
      assert.ok(noExecute?.timeAdded, 'NoExecute taints carry the time they were added');
    } finally {
      await h.stop();
    }
  });

  it('evictionDeadline() takes the shortest matching tolerationSeconds, per taint, from when it was added', () => {
    const taints = [
      { key: TAINT_UNREACHABLE, effect: 'NoExecute' as const },
      { key: 'maintenance', effect: 'NoExecute' as const },
    ];
    const added = (): number => 1_000;
    const p = runningPod('p', [
      { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
      { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
    ]);
    assert.equal(evictionDeadline(p, taints, added, 0), 11_000);
    assert.equal(evictionDeadline(runningPod('q', []), [taints[0]!], added, 5_000), 6_000, 'the fallback for pods without a not-ready/unreachable toleration');
    assert.equal(evictionDeadline(runningPod('r', []), [taints[1]!], added, 5_000), 1_000, 'no fallback for other taints');
  });
});
