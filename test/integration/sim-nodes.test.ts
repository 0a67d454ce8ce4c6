/**
 * Simulated nodes behind an in-process apiserver: K nodes register and keep their leases; pods
 * bound to them go Pending → Running with every container ready, get an address from their
 * node's slice of the pod CIDR, and are deleted promptly on deletion; exec says it cannot.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { podType } from '../../src/api/core/v1/pod.ts';
import { nodeType } from '../../src/api/core/v1/node.ts';
import { leaseType } from '../../src/api/coordination/v1/lease.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { waitFor } from '../../src/client/testing/index.ts';
import { startSimNodes, type RunningSimNodes } from '../../src/kubelet/index.ts';
import { execWebSocket, startTestControlPlane, type TestControlPlane } from '../support/kubelet-cluster.ts';

const COUNT = 20;
let plane: TestControlPlane;
let sim: RunningSimNodes;

before(async () => {
  plane = await startTestControlPlane();
  sim = await startSimNodes({
    clientset: plane.clientset,
    baseName: 'sim',
    count: COUNT,
    nodeIP: '127.0.0.1',
    podCIDR: '127.90.0.0/16',
    tls: plane.kubeletTls,
    kubeletPort: 0,
    startDelayMs: 100,
    leaseRenewIntervalMs: 1000,
  });
  await sim.ready;
});
after(async () => {
  await sim.stop();
  await plane.close();
});

type Obj = KubeObject & { status?: any };

describe('simulated nodes', () => {
  it('registers every node Ready with the sim runtime and its own pod CIDR, and renews their leases', async () => {
    const nodes = await plane.clientset.resource<Obj>(nodeType).list();
    assert.equal(nodes.items.length, COUNT);
    const first = nodes.items.find((n) => n.metadata.name === 'sim-1')!;
    assert.equal(first.spec.podCIDR, '127.90.0.0/21');
    assert.match(first.status.nodeInfo.containerRuntimeVersion, /^sim:\/\//);
    assert.equal(first.status.capacity.cpu, '32');
    assert.ok(nodes.items.every((n) => n.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True')));
    const leases = plane.clientset.resource<Obj>(leaseType);
    const before = await leases.get('sim-20', { namespace: 'kube-node-lease' });
    await waitFor(async () => (await leases.get('sim-20', { namespace: 'kube-node-lease' })).spec.renewTime !== before.spec.renewTime, 'sim-20 lease renewal');
  });

  it('runs bound pods: Pending, then Running with all containers ready and an IP from the node range', async () => {
    const pods = plane.clientset.resource<Obj>(podType);
    await pods.create({
      metadata: { name: 'simmed', namespace: 'default' },
      spec: { nodeName: 'sim-3', initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'redis' }] },
    });
    let pod!: Obj;
    await waitFor(async () => {
      pod = await pods.get('simmed', { namespace: 'default' });
      return pod.status?.phase === 'Running' && pod.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True');
    }, 'the simulated pod to run');
    assert.match(pod.status.podIP, /^127\.90\.(1[6-9]|2[0-3])\.\d+$/, 'sim-3 has 127.90.16.0/21');
    assert.deepEqual(pod.status.containerStatuses.map((c: any) => [c.name, c.ready, Boolean(c.state.running)]), [['a', true, true], ['b', true, true]]);
    assert.equal(pod.status.initContainerStatuses[0].state.terminated.exitCode, 0);
    const exec = new URL('/api/v1/namespaces/default/pods/simmed/exec?command=ls&stdout=true&container=a', plane.api.url.replace('https:', 'wss:'));
    await assert.rejects(execWebSocket(exec.toString(), plane.tls), /runs on a simulated node .* no processes/);
  });

  it('deletes a terminating pod well within its grace period, and ignores pods bound elsewhere', async () => {
    const pods = plane.clientset.resource<Obj>(podType);
    await pods.create({ metadata: { name: 'elsewhere', namespace: 'default' }, spec: { nodeName: 'real-node', containers: [{ name: 'a', image: 'x' }] } });
    const started = Date.now();
    await pods.delete('simmed', { namespace: 'default', gracePeriodSeconds: 30 });
    await waitFor(async () => {
      try {
        await pods.get('simmed', { namespace: 'default' });
        return false;
      } catch {
        return true;
      }
    }, 'the simulated pod to be deleted');
    assert.ok(Date.now() - started < 10_000);
    const other = await pods.get('elsewhere', { namespace: 'default' });
    assert.equal(other.status.phase, 'Pending');
    assert.equal(other.status.podIP, undefined);
  });
});
