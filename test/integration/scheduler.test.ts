/**
 * The scheduler against the real apiserver (memory storage, HTTPS), over the client layer:
 * binding through pods/binding, the PodScheduled condition and events of pods that fit
 * nowhere, retry when a fitting node appears, and two schedulers under leader election.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventType } from '../../src/api/core/v1/event.ts';
import { namespaceType } from '../../src/api/core/v1/namespace.ts';
import { nodeType } from '../../src/api/core/v1/node.ts';
import { podType } from '../../src/api/core/v1/pod.ts';
import { priorityClassType } from '../../src/api/scheduling/v1/priority-class.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { Clientset, SharedInformerFactory } from '../../src/client/index.ts';
import { waitFor } from '../../src/client/testing/wait-for.ts';
import { runScheduler, Scheduler } from '../../src/scheduler/index.ts';
import { makeNode, makePod, type NodeSpec, type PodSpecInput } from '../../src/scheduler/testing.ts';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

let api: TestApiServer;
let clientset: Clientset;

function newClientset(): Clientset {
  return Clientset.fromOptions({ endpoints: [api.server.url], ca: api.certs.caPem, cert: api.certs.clientCertPem, key: api.certs.clientKeyPem });
}

before(async () => {
  api = await startTestApiServer();
  clientset = newClientset();
});

after(async () => {
  clientset.close();
  await api.close();
});

const pods = () => clientset.resource(podType);
const nodes = () => clientset.resource(nodeType);

async function createNode(name: string, spec: NodeSpec = {}): Promise<void> {
  const { uid: _uid, ...metadata } = makeNode(name, spec).metadata;
  await nodes().create({ ...makeNode(name, spec), metadata });
}

/**
 * The PriorityClass giving `value` with `preemptionPolicy` (created once): priority admission
 * sets a pod's priority from its class and refuses pods that set one of their own.
 */
async function priorityClassFor(value: number, preemptionPolicy: string): Promise<string> {
  const name = `priority-${value}-${preemptionPolicy.toLowerCase()}`;
  try {
    await clientset.resource(priorityClassType).create({ metadata: { name }, value, preemptionPolicy });
  } catch (err) {
    if (!/already exists/.test(String(err))) throw err;
  }
  return name;
}

async function createPod(name: string, namespace: string, spec: PodSpecInput = {}): Promise<void> {
  const { priority, ...rest } = spec;
  const preemptionPolicy = typeof rest.spec?.['preemptionPolicy'] === 'string' ? rest.spec['preemptionPolicy'] : 'PreemptLowerPriority';
  const withClass = priority === undefined ? rest : { ...rest, spec: { ...rest.spec, priorityClassName: await priorityClassFor(priority, preemptionPolicy) } };
  const pod = makePod(name, { ...withClass, namespace });
  const { uid: _uid, ...metadata } = pod.metadata;
  await pods().create({ ...pod, metadata, status: {} }, { namespace });
}

async function getPod(namespace: string, name: string): Promise<KubeObject> {
  return pods().get(name, { namespace });
}

function condition(pod: KubeObject, type: string): Record<string, unknown> | undefined {
  return (pod.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
}

async function waitBound(namespace: string, name: string, timeoutMs = 20_000): Promise<string> {
  let nodeName = '';
  await waitFor(
    async () => {
      nodeName = (await getPod(namespace, name)).spec?.nodeName ?? '';
      return nodeName !== '';
    },
    `pod ${namespace}/${name} to be bound`,
    timeoutMs,
  );
  return nodeName;
}

async function events(namespace: string, podName: string): Promise<KubeObject[]> {
  const list = await clientset.resource(eventType).list({ namespace, fieldSelector: `involvedObject.name=${podName}` });
  return list.items;
}

/** Runs a scheduler (without election) for the duration of `body`. */
async function withScheduler(body: (s: () => Scheduler | undefined) => Promise<void>): Promise<void> {
  const ac = new AbortController();
  let scheduler: Scheduler | undefined;
  const running = runScheduler({ clientset, initialBackoffMs: 100, maxBackoffMs: 500, onStarted: (s) => (scheduler = s) }, ac.signal);
  try {
    await body(() => scheduler);
  } finally {
    ac.abort();
    await running;
  }
}

describe('scheduler with a real apiserver', () => {
  it('binds pods to the nodes that fit them, with PodScheduled=True and a Scheduled event', async () => {
    const ns = 'fit';
    await clientset.resource(namespaceType).create({ metadata: { name: ns } });
    await createNode('fit-small', { cpu: '1', labels: { disk: 'hdd' } });
    await createNode('fit-big', { cpu: '8', labels: { disk: 'ssd' } });
    await createNode('fit-gpu', { cpu: '8', labels: { disk: 'ssd', gpu: 'yes' }, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] });
    await createNode('fit-down', { cpu: '64', labels: { disk: 'ssd' }, ready: 'False' });
    await withScheduler(async () => {
      await createPod('ssd', ns, { spec: { nodeSelector: { disk: 'ssd' } } });
      await createPod('cpu', ns, { cpu: '2' });
      await createPod('gpu', ns, {
        spec: { nodeSelector: { gpu: 'yes' }, tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] },
      });
      assert.equal(await waitBound(ns, 'ssd'), 'fit-big');
      assert.equal(await waitBound(ns, 'cpu'), 'fit-big');
      assert.equal(await waitBound(ns, 'gpu'), 'fit-gpu');
      const pod = await getPod(ns, 'ssd');
      assert.equal(condition(pod, 'PodScheduled')?.status, 'True');
      await waitFor(async () => (await events(ns, 'ssd')).some((e) => e.reason === 'Scheduled'), 'the Scheduled event');
      const scheduled = (await events(ns, 'ssd')).find((e) => e.reason === 'Scheduled')!;
      assert.equal(scheduled.message, `Successfully assigned ${ns}/ssd to fit-big`);
      assert.equal(scheduled.type, 'Normal');
      assert.equal((scheduled.source as { component?: string }).component, 'default-scheduler');
    });
  });

  it('marks a pod that fits nowhere PodScheduled=False/Unschedulable, then binds it once a node fits', async () => {
    const ns = 'default';
    await withScheduler(async () => {
      await createPod('huge', ns, { cpu: '40' });
      let pod: KubeObject | undefined;
      await waitFor(
        async () => {
          pod = await getPod(ns, 'huge');
          return condition(pod, 'PodScheduled')?.reason === 'Unschedulable';
        },
        'the Unschedulable condition',
      );
      const scheduled = condition(pod!, 'PodScheduled')!;
      assert.equal(scheduled.status, 'False');
      const message = String(scheduled.message);
      assert.equal(
        message,
        '0/4 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 1 node(s) were not ready, 2 Insufficient cpu. ' +
          'preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
      );
      await waitFor(async () => (await events(ns, 'huge')).some((e) => e.reason === 'FailedScheduling'), 'the FailedScheduling event');
      const failed = (await events(ns, 'huge')).find((e) => e.reason === 'FailedScheduling')!;
      assert.equal(failed.type, 'Warning');
      assert.equal(failed.message, message);

      await createNode('roomy', { cpu: '64' });
      assert.equal(await waitBound(ns, 'huge'), 'roomy');
      assert.equal(condition(await getPod(ns, 'huge'), 'PodScheduled')?.status, 'True');
    });
  });

  it('does not overcommit a node when many pods are scheduled at once', async () => {
    const ns = 'default';
    await createNode('tight', { cpu: '1', labels: { pool: 'tight' } });
    await withScheduler(async () => {
      for (let i = 0; i < 6; i++) await createPod(`tight-${i}`, ns, { cpu: '300m', spec: { nodeSelector: { pool: 'tight' } } });
      let bound: string[] = [];
      await waitFor(
        async () => {
          const all = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => getPod(ns, `tight-${i}`)));
          bound = all.filter((p) => (p.spec?.nodeName ?? '') !== '').map((p) => p.metadata.name!);
          const unschedulable = all.filter((p) => condition(p, 'PodScheduled')?.reason === 'Unschedulable');
          return bound.length === 3 && unschedulable.length === 3;
        },
        'three pods bound and three unschedulable',
      );
      assert.equal(bound.length, 3);
    });
  });

  it('preempts a lower-priority pod for a higher-priority one and nominates its node', async () => {
    const ns = 'default';
    await createNode('contended', { cpu: '1', labels: { pool: 'contended' } });
    const onPool = { nodeSelector: { pool: 'contended' }, terminationGracePeriodSeconds: 0 };
    await withScheduler(async () => {
      await createPod('low', ns, { cpu: '800m', priority: 1, spec: onPool });
      assert.equal(await waitBound(ns, 'low'), 'contended');
      await createPod('high', ns, { cpu: '500m', priority: 1000, spec: onPool });
      assert.equal(await waitBound(ns, 'high'), 'contended');
      await assert.rejects(getPod(ns, 'low'), /not found/);
      await waitFor(async () => (await events(ns, 'low')).some((e) => e.reason === 'Preempted'), 'the Preempted event');
      const preempted = (await events(ns, 'low')).find((e) => e.reason === 'Preempted')!;
      assert.match(String(preempted.message), /^Preempted by pod \S+ on node contended$/);
    });
  });

  it('does not preempt for pods with preemptionPolicy Never', async () => {
    const ns = 'default';
    await createNode('guarded', { cpu: '1', labels: { pool: 'guarded' } });
    const onPool = { nodeSelector: { pool: 'guarded' }, terminationGracePeriodSeconds: 0 };
    await withScheduler(async () => {
      await createPod('keeper', ns, { cpu: '800m', priority: 1, spec: onPool });
      await waitBound(ns, 'keeper');
      await createPod('polite', ns, { cpu: '500m', priority: 1000, spec: { ...onPool, preemptionPolicy: 'Never' } });
      await waitFor(async () => condition(await getPod(ns, 'polite'), 'PodScheduled')?.reason === 'Unschedulable', 'polite to be unschedulable');
      assert.match(String(condition(await getPod(ns, 'polite'), 'PodScheduled')?.message), / preemption: not eligible due to preemptionPolicy=Never\.$/);
      assert.equal((await getPod(ns, 'keeper')).spec?.nodeName, 'guarded');
    });
  });

  it('frees the room of pods that finished, and schedules a waiting pod there', async () => {
    const ns = 'default';
    await createNode('finisher', { cpu: '1', labels: { pool: 'finisher' } });
    await withScheduler(async () => {
      await createPod('job', ns, { cpu: '800m', nodeName: 'finisher' });
      await createPod('waiting', ns, { cpu: '500m', spec: { nodeSelector: { pool: 'finisher' } } });
      await waitFor(async () => condition(await getPod(ns, 'waiting'), 'PodScheduled')?.reason === 'Unschedulable', 'waiting to be unschedulable');
      await pods().patch('job', { status: { phase: 'Succeeded' } }, { namespace: ns, subresource: 'status' });
      assert.equal(await waitBound(ns, 'waiting'), 'finisher');
    });
  });

  it('ignores pods for other schedulers', async () => {
    await withScheduler(async (scheduler) => {
      await createPod('other', 'default', { spec: { schedulerName: 'my-scheduler' } });
      await createPod('mine', 'default');
      await waitBound('default', 'mine');
      assert.ok(scheduler() !== undefined);
      const other = await getPod('default', 'other');
      assert.equal(other.spec?.nodeName ?? '', '');
      assert.equal(condition(other, 'PodScheduled'), undefined);
    });
  });

  it('two schedulers under leader election never both bind, and the standby takes over', async () => {
    const ns = 'default';
    const started: Record<string, Scheduler[]> = { a: [], b: [] };
    const run = (id: string, signal: AbortSignal) =>
      runScheduler({ clientset: newClientset(), leaderElection: { identity: id, name: 'sched-it' }, onStarted: (s) => started[id]!.push(s) }, signal);
    const acA = new AbortController();
    const acB = new AbortController();
    const runningA = run('a', acA.signal);
    const runningB = run('b', acB.signal);
    try {
      for (let i = 0; i < 20; i++) await createPod(`le-${i}`, ns);
      for (let i = 0; i < 20; i++) await waitBound(ns, `le-${i}`);
      const leader = started.a!.length > 0 ? 'a' : 'b';
      const standby = leader === 'a' ? 'b' : 'a';
      assert.equal(started[standby]!.length, 0, 'only the leader started scheduling');
      const first = started[leader]![0]!;
      assert.ok(first.stats().bindRequests >= 20);
      assert.equal(first.stats().errors, 0, 'no binding failed (no double binding)');

      // Stop the leader: it releases the lease and the standby takes over.
      (leader === 'a' ? acA : acB).abort();
      await (leader === 'a' ? runningA : runningB);
      const boundByOld = first.stats().bindRequests;
      for (let i = 20; i < 30; i++) await createPod(`le-${i}`, ns);
      for (let i = 20; i < 30; i++) await waitBound(ns, `le-${i}`);
      assert.equal(first.stats().bindRequests, boundByOld, 'the old leader made no binding after it stopped');
      const next = started[standby]![0]!;
      assert.ok(next.stats().bindRequests >= 10);
      assert.equal(next.stats().errors, 0);
    } finally {
      acA.abort();
      acB.abort();
      await Promise.all([runningA, runningB]);
    }
  });

  it('does not bind while the term is no longer current', async () => {
    const ac = new AbortController();
    let leading = true;
    const scheduler = new Scheduler({ clientset, informers: new SharedInformerFactory(clientset), mayAct: () => leading });
    const running = scheduler.run(ac.signal);
    try {
      await createPod('fenced-1', 'default');
      await waitBound('default', 'fenced-1');
      leading = false;
      await createPod('fenced-2', 'default');
      await waitFor(() => scheduler.stats().attempts >= 2, 'the second attempt');
      const before = scheduler.stats().bindRequests;
      assert.equal(before, 1);
      assert.equal((await getPod('default', 'fenced-2')).spec?.nodeName ?? '', '');
    } finally {
      ac.abort();
      await running;
    }
  });
});
