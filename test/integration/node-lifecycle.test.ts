/**
 * A node whose lease stops being renewed, against the real apiserver with short timings
 * (grace period 2 s, default tolerations 3 s): it goes Unknown (NotReady) after the grace
 * period, is tainted unreachable, its pods are marked not ready and evicted once their
 * tolerations run out, their ReplicaSet replaces them on the live node, and the taints go when
 * the node reports again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { replicaSetType } from '../../src/api/apps/v1/replicaset.ts';
import { leaseType } from '../../src/api/coordination/v1/lease.ts';
import { nodeType } from '../../src/api/core/v1/node.ts';
import { podType } from '../../src/api/core/v1/pod.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { waitFor } from '../../src/client/testing/wait-for.ts';
import { startControllerCluster, type ControllerCluster } from '../support/controller-cluster.ts';

const GRACE_MS = 2_000;
const TOLERATION_S = 3;
const dead = new Set<string>();
let cluster: ControllerCluster;
let heartbeats: NodeJS.Timeout | undefined;

const stamp = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What a kubelet does every few hundred milliseconds: renew its lease and post Ready. */
async function heartbeat(name: string): Promise<void> {
  const leases = cluster.client.resource(leaseType);
  const lease = await leases.get(name, { namespace: 'kube-node-lease' });
  await leases.update({ ...lease, spec: { ...lease.spec, renewTime: new Date().toISOString().replace('Z', '000Z') } });
  const nodes = cluster.client.resource(nodeType);
  const node = await nodes.get(name);
  const readyCondition = { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: stamp(), lastTransitionTime: stamp() };
  const previous = (node.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
  if (previous?.status === 'True') readyCondition.lastTransitionTime = previous.lastTransitionTime;
  await nodes.updateStatus({ ...node, status: { ...node.status, conditions: [readyCondition] } });
}

before(async () => {
  cluster = await startControllerCluster({
    settings: { nodeMonitorGracePeriodMs: GRACE_MS, nodeMonitorPeriodMs: 500 },
    defaultTolerationSeconds: { notReady: TOLERATION_S, unreachable: TOLERATION_S },
    kubelet: { nodes: ['worker-1', 'worker-2'], deadNodes: dead },
  });
  for (const name of ['worker-1', 'worker-2']) {
    await cluster.client.resource(nodeType).create({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {} });
    await cluster.client.resource(leaseType).create({ metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace('Z', '000Z') } });
    await heartbeat(name);
  }
  heartbeats = setInterval(() => {
    for (const name of ['worker-1', 'worker-2']) if (!dead.has(name)) void heartbeat(name).catch(() => undefined);
  }, 300);
  cluster.startManager('cm-1', false);
  await cluster.createNamespace('apps');
});
after(async () => {
  clearInterval(heartbeats);
  await cluster?.stop();
});

const node = (name: string): Promise<KubeObject> => cluster.client.resource(nodeType).get(name);
const ready = (n: KubeObject): string | undefined => (n.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready')?.status;
const pods = async (): Promise<KubeObject[]> => (await cluster.client.resource(podType).list({ namespace: 'apps' })).items;

describe('node lifecycle', () => {
  it('a node whose lease stops goes NotReady after the grace period and its pods are evicted after their toleration', async () => {
    await cluster.client.resource(replicaSetType).create({
      metadata: { name: 'web', namespace: 'apps' },
      spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x', command: ['x'] }] } } },
    });
    await waitFor(async () => (await pods()).filter((p) => p.status?.phase === 'Running').length === 4, 'four running pods', 30_000);
    const onWorker1 = (await pods()).filter((p) => p.spec.nodeName === 'worker-1');
    assert.ok(onWorker1.length > 0);
    for (const p of onWorker1) {
      assert.deepEqual(
        (p.spec.tolerations as { key: string; tolerationSeconds: number }[]).map((t) => `${t.key}=${t.tolerationSeconds}`).sort(),
        [`node.kubernetes.io/not-ready=${TOLERATION_S}`, `node.kubernetes.io/unreachable=${TOLERATION_S}`],
        'the apiserver gave the pod the default tolerations',
      );
    }

    dead.add('worker-1');
    const stoppedAt = Date.now();
    await waitFor(async () => ready(await node('worker-1')) === 'Unknown', 'worker-1 to go Unknown', 30_000);
    assert.ok(Date.now() - stoppedAt >= GRACE_MS - 400, 'not before the grace period');
    assert.equal(ready(await node('worker-2')), 'True', 'the live node stays Ready');
    await waitFor(async () => ((await node('worker-1')).spec.taints ?? []).length === 2, 'the unreachable taints', 30_000);
    const taints = (await node('worker-1')).spec.taints as { key: string; effect: string; timeAdded?: string }[];
    assert.deepEqual(taints.map((t) => `${t.key}:${t.effect}`).sort(), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    const taintedAt = Date.parse(taints.find((t) => t.effect === 'NoExecute')!.timeAdded!);

    await waitFor(async () => (await pods()).filter((p) => p.spec.nodeName === 'worker-1').every((p) => (p.status.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'False')), 'pods on worker-1 marked not ready', 30_000);
    await waitFor(async () => (await pods()).filter((p) => p.spec.nodeName === 'worker-1').every((p) => p.metadata.deletionTimestamp !== undefined), 'pods on worker-1 evicted', 30_000);
    assert.ok(Date.now() - taintedAt >= TOLERATION_S * 1000 - 1000, 'not before the toleration ran out');
    await waitFor(async () => (await pods()).filter((p) => p.spec.nodeName === 'worker-2' && p.metadata.deletionTimestamp === undefined && p.status?.phase === 'Running').length === 4, 'replacements running on worker-2', 30_000);

    dead.delete('worker-1');
    await waitFor(async () => ready(await node('worker-1')) === 'True' && ((await node('worker-1')).spec.taints ?? []).length === 0, 'worker-1 back without taints', 30_000);
  });
});
