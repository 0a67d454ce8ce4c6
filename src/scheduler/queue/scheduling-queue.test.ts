import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, flushMicrotasks } from '../../client/testing/index.ts';
import type { ClusterEvent } from '../framework/cluster-event.ts';
import { newPodInfo, type PodInfo } from '../framework/pod-info.ts';
import { unresolvable } from '../framework/status.ts';
import { makePod } from '../testing.ts';
import { SchedulingQueue, type QueuedPodInfo } from './scheduling-queue.ts';

const INTEREST: Partial<Record<ClusterEvent, string[]>> = {
  NodeAdd: ['NodeResourcesFit', 'TaintToleration'],
  AssignedPodDelete: ['NodeResourcesFit'],
  NodeLabelChange: ['NodeAffinity'],
};

function newQueue(clock: FakeClock): SchedulingQueue {
  return new SchedulingQueue({
    preEnqueue: (p) => (p.schedulingGates.length > 0 ? unresolvable('gated') : null),
    pluginsInterestedIn: (e) => new Set(INTEREST[e] ?? []),
    clock,
  });
}

function pod(name: string, extra: Parameters<typeof makePod>[1] = {}): PodInfo {
  return newPodInfo(makePod(name, extra));
}

async function popNow(q: SchedulingQueue): Promise<QueuedPodInfo | undefined> {
  const ac = new AbortController();
  const p = q.pop(ac.signal);
  await flushMicrotasks();
  ac.abort();
  return p;
}

/** Pops a pod and fails it as unschedulable, rejected by `plugins`. */
async function failOnce(q: SchedulingQueue, plugins: string[], kind: 'unschedulable' | 'error' = 'unschedulable'): Promise<QueuedPodInfo> {
  const qp = await popNow(q);
  assert.ok(qp);
  q.addUnschedulable(qp, q.schedulingCycle, kind, new Set(plugins));
  return qp;
}

test('pop() returns the highest priority first, then the oldest', async () => {
  const clock = new FakeClock();
  const q = newQueue(clock);
  q.add(pod('low', { priority: 1 }));
  await clock.advance(1);
  q.add(pod('high-late', { priority: 10 }));
  q.add(pod('mid', { priority: 5 }));
  await clock.advance(1);
  q.add(pod('low-later', { priority: 1 }));
  const order: string[] = [];
  for (let qp = await popNow(q); qp !== undefined; qp = await popNow(q)) order.push(qp.podInfo.name);
  assert.deepEqual(order, ['high-late', 'mid', 'low', 'low-later']);
});

test('pop() waits for a pod, and resolves undefined when aborted or closed', async () => {
  const q = newQueue(new FakeClock());
  const ac = new AbortController();
  const waiting = q.pop(ac.signal);
  q.add(pod('p'));
  assert.equal((await waiting)?.podInfo.name, 'p');
  const aborted = new AbortController();
  const pending = q.pop(aborted.signal);
  aborted.abort();
  assert.equal(await pending, undefined);
  const closing = q.pop(new AbortController().signal);
  q.close();
  assert.equal(await closing, undefined);
});

test('an unschedulable pod is retried only on an event a rejecting plugin cares about', async () => {
  const clock = new FakeClock();
  const q = newQueue(clock);
  q.add(pod('p'));
  await failOnce(q, ['NodeResourcesFit']);
  assert.deepEqual(q.stats(), { active: 0, backoff: 0, unschedulable: 1, inFlight: 0 });
  q.moveOnEvent('NodeLabelChange');
  assert.equal(q.stats().unschedulable, 1);
  await clock.advance(5_000); // past the 1 s backoff
  q.moveOnEvent('AssignedPodDelete');
  assert.deepEqual(q.stats(), { active: 1, backoff: 0, unschedulable: 0, inFlight: 0 });
});

test('a pod moved while still backing off waits in backoff, then becomes active', async () => {
  const clock = new FakeClock();
  const q = newQueue(clock);
  const ac = new AbortController();
  const running = q.run(ac.signal);
  q.add(pod('p'));
  await failOnce(q, ['NodeResourcesFit']);
  q.moveOnEvent('NodeAdd');
  assert.deepEqual(q.stats(), { active: 0, backoff: 1, unschedulable: 0, inFlight: 0 });
  await clock.advance(999);
  assert.equal(q.stats().backoff, 1);
  await clock.advance(1);
  assert.deepEqual(q.stats(), { active: 1, backoff: 0, unschedulable: 0, inFlight: 0 });
  ac.abort();
  await running;
});

test('backoff doubles per attempt up to the maximum', async () => {
  const clock = new FakeClock();
  const q = newQueue(clock);
  const ac = new AbortController();
  const running = q.run(ac.signal);
  q.add(pod('p'));
  const waits: number[] = [];
  for (let attempt = 1; attempt <= 6; attempt++) {
    await failOnce(q, [], 'error');
    let waited = 0;
    while (q.stats().active === 0) {
      await clock.advance(250);
      waited += 250;
      assert.ok(waited <= 20_000, 'the pod never left backoff');
    }
    waits.push(waited);
  }
  assert.deepEqual(waits, [1000, 2000, 4000, 8000, 10000, 10000]);
  ac.abort();
  await running;
});

test('a cluster event during an attempt sends a failed pod to backoff, not unschedulable', async () => {
  const clock = new FakeClock();
  const q = newQueue(clock);
  q.add(pod('p'));
  const qp = await popNow(q);
  assert.ok(qp);
  const cycle = q.schedulingCycle;
  q.moveOnEvent('NodeLabelChange');
  q.addUnschedulable(qp, cycle, 'unschedulable', new Set(['NodeResourcesFit']));
  assert.deepEqual(q.stats(), { active: 0, backoff: 1, unschedulable: 0, inFlight: 0 });
});

test('an update during an attempt is kept and sends a failed pod to backoff', async () => {
  const q = newQueue(new FakeClock());
  const v1 = makePod('p');
  q.add(newPodInfo(v1));
  const qp = await popNow(q);
  assert.ok(qp);
  const v2 = { ...v1, metadata: { ...v1.metadata, labels: { x: 'y' } } };
  q.update(newPodInfo(v2));
  q.addUnschedulable(qp, q.schedulingCycle, 'unschedulable', new Set(['NodeResourcesFit']));
  assert.equal(q.stats().backoff, 1);
  assert.deepEqual(qp.podInfo.labels, { x: 'y' });
});

test('a pod deleted during its attempt is not requeued', async () => {
  const q = newQueue(new FakeClock());
  q.add(pod('p'));
  const qp = await popNow(q);
  assert.ok(qp);
  q.delete(qp.podInfo.key);
  q.addUnschedulable(qp, q.schedulingCycle, 'unschedulable', new Set());
  assert.deepEqual(q.stats(), { active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
});

test('a pod recreated under the same name during an attempt is queued, and the old attempt does not touch it', async () => {
  const q = newQueue(new FakeClock());
  q.add(pod('same'));
  const old = await popNow(q);
  assert.ok(old);
  q.delete(old.podInfo.key);
  const recreated = pod('same');
  q.add(recreated);
  assert.equal(q.stats().active, 1);
  const next = await popNow(q);
  assert.equal(next?.podInfo.uid, recreated.uid);
  q.addUnschedulable(old, q.schedulingCycle, 'unschedulable', new Set());
  q.done(old);
  assert.deepEqual(q.stats(), { active: 0, backoff: 0, unschedulable: 0, inFlight: 1 });
  q.done(next);
  assert.equal(q.stats().inFlight, 0);
});

test('a gated pod waits until an update removes its scheduling gates', async () => {
  const q = newQueue(new FakeClock());
  const gated = makePod('g', { spec: { schedulingGates: [{ name: 'example.com/wait' }] } });
  q.add(newPodInfo(gated));
  assert.deepEqual(q.stats(), { active: 0, backoff: 0, unschedulable: 1, inFlight: 0 });
  q.moveOnEvent('NodeAdd');
  assert.equal(q.stats().active, 0);
  q.update(newPodInfo({ ...gated, spec: { ...gated.spec, schedulingGates: [] } }));
  assert.equal(q.stats().active, 1);
});

test('an unschedulable pod whose spec changes is retried without an event', async () => {
  const clock = new FakeClock();
  const q = newQueue(clock);
  const v1 = makePod('p');
  q.add(newPodInfo(v1));
  await failOnce(q, ['NodeResourcesFit']);
  // A status-only change does not retry it.
  q.update(newPodInfo({ ...v1, status: { phase: 'Pending', conditions: [] } }));
  assert.equal(q.stats().unschedulable, 1);
  await clock.advance(2_000);
  q.update(newPodInfo({ ...v1, spec: { ...v1.spec, tolerations: [{ operator: 'Exists' }] } }));
  assert.equal(q.stats().active, 1);
});

test('pods unschedulable for longer than maxUnschedulableMs are retried by the periodic flush', async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ preEnqueue: () => null, pluginsInterestedIn: () => new Set(), clock, maxUnschedulableMs: 60_000, unschedulableFlushIntervalMs: 30_000 });
  const ac = new AbortController();
  const running = q.run(ac.signal);
  q.add(pod('p'));
  await failOnce(q, ['NodeResourcesFit']);
  await clock.advance(59_000);
  assert.equal(q.stats().unschedulable, 1);
  await clock.advance(31_000);
  assert.equal(q.stats().active, 1);
  ac.abort();
  await running;
});

test('nominations follow status.nominatedNodeName and local nominations survive updates without one', () => {
  const q = newQueue(new FakeClock());
  const nominated = makePod('n', { priority: 5 });
  nominated.status = { phase: 'Pending', nominatedNodeName: 'node-1' };
  q.add(newPodInfo(nominated));
  assert.deepEqual(q.nominatedPodsFor('node-1').map((p) => p.name), ['n']);
  q.update(newPodInfo({ ...nominated, status: { phase: 'Pending' } }));
  assert.deepEqual(q.nominatedPodsFor('node-1'), []);
  const local = makePod('l');
  q.add(newPodInfo(local));
  q.nominate(newPodInfo(local), 'node-2');
  q.update(newPodInfo({ ...local, metadata: { ...local.metadata, resourceVersion: '9' } }));
  assert.deepEqual(q.nominatedPodsFor('node-2').map((p) => p.name), ['l']);
  q.delete(newPodInfo(local).key);
  assert.deepEqual(q.nominatedPodsFor('node-2'), []);
});
