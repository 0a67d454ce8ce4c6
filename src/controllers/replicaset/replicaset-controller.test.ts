import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { replicaSetType } from '../../api/apps/v1/replicaset.ts';
import { eventType } from '../../api/core/v1/event.ts';
import { podType } from '../../api/core/v1/pod.ts';
import { replicationControllerType } from '../../api/core/v1/replication-controller.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { CONTROLLER_TEST_TYPES, startControllers, type ControllerHarness } from '../testing/harness.ts';
import { markPod, pod, replicaSet } from '../testing/objects.ts';
import { slowStartBatch } from '../common/slow-start.ts';
import { replicaSetController, replicationControllerController } from './replicaset-controller.ts';

const pods = (h: ControllerHarness): KubeObject[] => h.list(podType, 'ns');
const rsOf = (h: ControllerHarness, name: string): KubeObject | undefined => h.api.get(replicaSetType, 'ns', name);

async function withController(seed: (h: { put: (t: typeof podType, o: KubeObject) => KubeObject }) => void, body: (h: ControllerHarness) => Promise<void>): Promise<void> {
  const h = await startControllers([replicaSetController], { seed: (api) => seed({ put: (t, o) => api.put(t, o) }) });
  try {
    await body(h);
  } finally {
    await h.stop();
  }
}

describe('replicaset controller', () => {
  it('creates pods from the template with a generated name and a controller reference, and reports status', async () => {
    await withController(
      (api) => api.put(replicaSetType, replicaSet('web', 3)),
      async (h) => {
        await h.until(() => pods(h).length === 3, 'three pods');
        const rs = rsOf(h, 'web')!;
        for (const p of pods(h)) {
          assert.match(p.metadata.name ?? '', /^web-/);
          assert.equal(p.metadata.generateName, 'web-');
          assert.deepEqual(p.metadata.labels, { app: 'web' });
          assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
          assert.equal(p.spec.containers[0].image, 'app:1');
        }
        await h.until(() => rsOf(h, 'web')?.status?.replicas === 3, 'status.replicas 3');
        assert.deepEqual(rsOf(h, 'web')?.status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 });

        for (const p of pods(h)) markPod(h.api, p, true, h.clock.wallNow());
        await h.until(() => rsOf(h, 'web')?.status?.availableReplicas === 3, 'three available pods');
        assert.equal(rsOf(h, 'web')?.status?.readyReplicas, 3);
      },
    );
  });

  it('scales down by deleting the pods cheapest to lose first: unscheduled, then not ready', async () => {
    await withController(
      (api) => {
        const rs = api.put(replicaSetType, replicaSet('web', 4));
        const ref = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid ?? '', controller: true }];
        const ready = [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-12-31T00:00:00Z' }];
        api.put(podType, pod('ready-a', { app: 'web' }, { metadata: { namespace: 'ns', name: 'ready-a', labels: { app: 'web' }, ownerReferences: ref }, spec: { nodeName: 'n1' }, status: { phase: 'Running', conditions: ready } }));
        api.put(podType, pod('ready-b', { app: 'web' }, { metadata: { namespace: 'ns', name: 'ready-b', labels: { app: 'web' }, ownerReferences: ref }, spec: { nodeName: 'n2' }, status: { phase: 'Running', conditions: ready } }));
        api.put(podType, pod('not-ready', { app: 'web' }, { metadata: { namespace: 'ns', name: 'not-ready', labels: { app: 'web' }, ownerReferences: ref }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } }));
        api.put(podType, pod('unscheduled', { app: 'web' }, { metadata: { namespace: 'ns', name: 'unscheduled', labels: { app: 'web' }, ownerReferences: ref } }));
      },
      async (h) => {
        await h.until(() => rsOf(h, 'web')?.status?.replicas === 4, 'the four pods counted');
        h.api.put(replicaSetType, { ...rsOf(h, 'web')!, spec: { ...rsOf(h, 'web')!.spec, replicas: 2 } });
        await h.until(() => pods(h).length === 2, 'two pods left');
        assert.deepEqual(pods(h).map((p) => p.metadata.name).sort(), ['ready-a', 'ready-b']);
        await h.until(() => rsOf(h, 'web')?.status?.replicas === 2 && rsOf(h, 'web')?.status?.observedGeneration === 2, 'status after scale-down');
      },
    );
  });

  it('adopts matching orphans and releases controlled pods that stopped matching, counting only its own', async () => {
    await withController(
      (api) => {
        const rs = api.put(replicaSetType, replicaSet('web', 2));
        api.put(podType, pod('orphan', { app: 'web' }));
        api.put(podType, pod('stray', { app: 'other' }, { metadata: { namespace: 'ns', name: 'stray', labels: { app: 'other' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid ?? '', controller: true }] } }));
        api.put(podType, pod('foreign', { app: 'web' }, { metadata: { namespace: 'ns', name: 'foreign', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'other', uid: 'other-uid', controller: true }] } }));
      },
      async (h) => {
        await h.until(() => pods(h).length === 4, 'one pod created next to the adopted one');
        const byName = new Map(pods(h).map((p) => [p.metadata.name, p]));
        assert.equal(byName.get('orphan')?.metadata.ownerReferences?.[0]?.name, 'web', 'the orphan was adopted');
        assert.equal(byName.get('stray')?.metadata.ownerReferences, undefined, 'the stray pod was released');
        assert.equal(byName.get('foreign')?.metadata.ownerReferences?.[0]?.uid, 'other-uid', 'another controller keeps its pod');
        await h.until(() => rsOf(h, 'web')?.status?.replicas === 2, 'two pods counted');
      },
    );
  });

  it('never creates more pods while its pod cache lags behind its own creations', async () => {
    await withController(
      (api) => api.put(replicaSetType, replicaSet('web', 0)),
      async (h) => {
        await h.until(() => rsOf(h, 'web')?.status?.observedGeneration === 1, 'the first status');
        h.api.holdEvents(podType);
        h.api.put(replicaSetType, { ...rsOf(h, 'web')!, spec: { ...rsOf(h, 'web')!.spec, replicas: 3 } });
        await h.until(() => pods(h).length === 3, 'three pods created');
        // Wake the ReplicaSet again and again while the pod watch is silent.
        for (let i = 0; i < 5; i++) {
          const rs = rsOf(h, 'web')!;
          h.api.put(replicaSetType, { ...rs, metadata: { ...rs.metadata, labels: { poke: String(i) } } });
          await h.until(() => rsOf(h, 'web')?.status?.observedGeneration === 2, 'a reconcile of the poke');
        }
        await h.quiesce();
        assert.equal(pods(h).length, 3, 'no pod created while the cache showed none');
        h.api.releaseEvents(podType);
        await h.until(() => rsOf(h, 'web')?.status?.replicas === 3, 'the pods seen');
        await h.quiesce();
        assert.equal(pods(h).length, 3);
      },
    );
  });

  it('counts a pod available only minReadySeconds after it became ready', async () => {
    await withController(
      (api) => api.put(replicaSetType, replicaSet('web', 1, { app: 'web' }, { minReadySeconds: 10 })),
      async (h) => {
        await h.until(() => pods(h).length === 1, 'the pod');
        markPod(h.api, pods(h)[0]!, true, h.clock.wallNow());
        await h.until(() => rsOf(h, 'web')?.status?.readyReplicas === 1, 'ready');
        assert.equal(rsOf(h, 'web')?.status?.availableReplicas, 0);
        await h.clock.advance(5_000);
        await h.quiesce();
        assert.equal(rsOf(h, 'web')?.status?.availableReplicas, 0, 'not yet available after 5 s');
        await h.until(() => rsOf(h, 'web')?.status?.availableReplicas === 1, 'available after 10 s', 1_000);
      },
    );
  });

  it('reports ReplicaFailure when pods cannot be created, in one request per attempt, and clears it after', async () => {
    const h = await startControllers([replicaSetController]);
    try {
      let denied = true;
      let attempts = 0;
      h.api.intercept = (req) => {
        if (req.method !== 'POST' || !req.url.includes('/pods')) return undefined;
        attempts++;
        return denied ? { code: 403, reason: 'Forbidden', message: 'exceeded quota: pods' } : undefined;
      };
      h.api.put(replicaSetType, replicaSet('web', 5));
      await h.until(() => rsOf(h, 'web')?.status?.conditions?.[0]?.type === 'ReplicaFailure', 'the failure condition');
      const cond = rsOf(h, 'web')!.status.conditions[0];
      assert.equal(cond.reason, 'FailedCreate');
      assert.match(cond.message, /exceeded quota: pods/);
      // One request per attempt (the slow start stops after its first batch of one); the status
      // write itself wakes the ReplicaSet once more, after which backoff paces the retries.
      assert.ok(attempts <= 2, `at most two attempts so far, saw ${attempts}`);
      denied = false;
      await h.until(() => pods(h).length === 5, 'all pods once creation is allowed', 1_000);
      await h.until(() => rsOf(h, 'web')?.status?.conditions === undefined, 'the condition cleared');
    } finally {
      await h.stop();
    }
  });

  it('slowStartBatch() grows batches 1, 2, 4 and stops after a failing batch', async () => {
    let n = 0;
    const ok = await slowStartBatch(10, async () => {
      n++;
    });
    assert.deepEqual(ok, { created: 10, error: undefined });
    assert.equal(n, 10);
    let calls = 0;
    const failing = await slowStartBatch(10, async () => {
      calls++;
      if (calls === 3) throw new Error('no');
    });
    assert.equal(calls, 3, 'batches of 1 and 2, then stop');
    assert.equal(failing.created, 2);
  });
});

describe('replicaset controller events', () => {
  it('records SuccessfulCreate and SuccessfulDelete about the ReplicaSet, from replicaset-controller', async () => {
    await withController(
      (api) => api.put(replicaSetType, replicaSet('web', 3)),
      async (h) => {
        await h.until(() => h.events('web').length === 3, 'three creation events');
        const created = pods(h).map((p) => `Normal SuccessfulCreate: Created pod: ${p.metadata.name}`);
        assert.deepEqual(h.events('web').sort(), created.sort());
        const ev = h.api.list(eventType, 'ns')[0]!;
        const rs = rsOf(h, 'web')!;
        assert.deepEqual(
          { involved: { ...(ev.involvedObject as object), resourceVersion: undefined }, source: ev.source, reporting: ev.reportingComponent },
          { involved: { kind: 'ReplicaSet', apiVersion: 'apps/v1', name: 'web', namespace: 'ns', uid: rs.metadata.uid, resourceVersion: undefined }, source: { component: 'replicaset-controller' }, reporting: 'replicaset-controller' },
        );
        const before = new Set(pods(h).map((p) => p.metadata.name));
        h.api.put(replicaSetType, { ...rs, spec: { ...rs.spec, replicas: 1 } });
        await h.until(() => pods(h).length === 1, 'one pod left');
        const deleted = [...before].filter((n) => n !== pods(h)[0]!.metadata.name).map((n) => `Normal SuccessfulDelete: Deleted pod: ${n}`);
        await h.until(() => deleted.every((line) => h.events('web').includes(line)), 'a deletion event per pod');
      },
    );
  });

  it('records FailedCreate with the apiserver\'s message, and a quota that refuses every retry grows counts, not Events', async () => {
    const h = await startControllers([replicaSetController]);
    try {
      let attempts = 0;
      h.api.intercept = (req) => {
        if (req.method !== 'POST' || !req.url.includes('/pods')) return undefined;
        attempts++;
        // The pod name changes with each attempt, as a generated name does.
        return { code: 403, reason: 'Forbidden', message: `pods "web-${attempts}" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1` };
      };
      h.api.put(replicaSetType, replicaSet('web', 2));
      await h.until(() => h.events('web').length > 0, 'the first FailedCreate');
      assert.equal(h.events('web')[0], 'Warning FailedCreate: Error creating: pods "web-1" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1');
      await h.until(() => attempts >= 15, 'fifteen refused attempts, paced by the retry backoff', 1_000);
      const settled = attempts;
      const counted = (): number => h.api.list(eventType, 'ns').reduce((n, e) => n + (e.count as number), 0);
      await h.until(() => counted() >= settled, 'every attempt counted');
      const events = h.api.list(eventType, 'ns');
      assert.ok(events.length <= 10, `at most 10 Events for ${attempts} attempts, saw ${events.length}`);
      const combined = events.filter((e) => String(e.message).startsWith('(combined from similar events): Error creating: pods "web-'));
      assert.equal(combined.length, 1);
      assert.ok((combined[0]!.count as number) > 1);
      assert.ok(events.every((e) => e.reason === 'FailedCreate' && e.type === 'Warning'));
    } finally {
      await h.stop();
    }
  });
});

describe('replicationcontroller controller', () => {
  it('keeps spec.replicas pods of a ReplicationController, selected by its label map, and reports status', async () => {
    const types = [...CONTROLLER_TEST_TYPES, { type: replicationControllerType, status: true }];
    const h = await startControllers([replicationControllerController], {
      types,
      seed: (api) => {
        api.put(replicationControllerType, {
          metadata: { name: 'legacy', namespace: 'ns' },
          spec: { replicas: 2, selector: { app: 'legacy' }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'c', image: 'app:1' }] } } },
        });
        // A matching orphan is adopted; a pod with other labels is left alone.
        api.put(podType, pod('orphan', { app: 'legacy' }));
        api.put(podType, pod('other', { app: 'web' }));
      },
    });
    try {
      const owned = (): KubeObject[] => pods(h).filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicationController');
      await h.until(() => owned().length === 2, 'two controlled pods');
      const rc = h.api.get(replicationControllerType, 'ns', 'legacy')!;
      assert.ok(owned().some((p) => p.metadata.name === 'orphan'), 'the orphan is adopted');
      for (const p of owned()) {
        assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', uid: rc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      }
      await h.until(() => h.api.get(replicationControllerType, 'ns', 'legacy')?.status?.replicas === 2, 'status.replicas 2');
      h.api.put(replicationControllerType, { ...rc, spec: { ...rc.spec, replicas: 1 } });
      await h.until(() => owned().length === 1, 'scaled down to one pod');
      await h.until(() => h.events('legacy').some((e) => e.startsWith('Normal SuccessfulDelete: Deleted pod: ')), 'the deletion event');
      assert.deepEqual(h.api.list(eventType, 'ns')[0]!.source, { component: 'replication-controller' });
    } finally {
      await h.stop();
    }
  });
});
