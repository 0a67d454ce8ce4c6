import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { controllerRevisionType } from '../../api/apps/v1/controller-revision.ts';
import { statefulSetType } from '../../api/apps/v1/statefulset.ts';
import { podType } from '../../api/core/v1/pod.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { isPodReady } from '../common/pod-state.ts';
import { startControllers, type ControllerHarness } from '../testing/harness.ts';
import { markPod, template } from '../testing/objects.ts';
import { statefulSetController } from './statefulset-controller.ts';

function statefulSet(replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { namespace: 'ns', name: 'db' },
    spec: {
      replicas,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: template({ app: 'db' }),
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      ...extra,
    },
  };
}

const names = (h: ControllerHarness): string[] => h.list(podType, 'ns').filter((p) => p.metadata.deletionTimestamp === undefined).map((p) => p.metadata.name ?? '').sort();
const set = (h: ControllerHarness): KubeObject => h.api.get(statefulSetType, 'ns', 'db')!;
const pod = (h: ControllerHarness, name: string): KubeObject | undefined => h.api.get(podType, 'ns', name);
const image = (p: KubeObject | undefined): string => p?.spec.containers[0].image;

/** Marks every pod Running and Ready, as their kubelets would. */
function readyAll(h: ControllerHarness): void {
  for (const p of h.list(podType, 'ns')) if (!isPodReady(p)) markPod(h.api, p, true, h.clock.wallNow());
}

async function withSet(seed: KubeObject, body: (h: ControllerHarness) => Promise<void>): Promise<void> {
  const h = await startControllers([statefulSetController], { seed: (api) => api.put(statefulSetType, seed) });
  try {
    await body(h);
  } finally {
    await h.stop();
  }
}

describe('statefulset controller', () => {
  it('creates pods one at a time in ordinal order, each once the previous is ready, with stable identities', async () => {
    await withSet(statefulSet(3, { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }] }), async (h) => {
      await h.until(() => names(h).length === 1, 'db-0');
      assert.deepEqual(names(h), ['db-0']);
      await h.quiesce();
      assert.deepEqual(names(h), ['db-0'], 'db-1 waits for db-0 to be ready');
      const p0 = pod(h, 'db-0')!;
      assert.equal(p0.spec.hostname, 'db-0');
      assert.equal(p0.spec.subdomain, 'db');
      assert.equal(p0.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'db-0');
      assert.equal(p0.metadata.labels?.['apps.kubernetes.io/pod-index'], '0');
      assert.deepEqual(p0.spec.volumes, [{ name: 'data', emptyDir: {} }]);
      markPod(h.api, p0, true, h.clock.wallNow());
      await h.until(() => names(h).length === 2, 'db-1');
      markPod(h.api, pod(h, 'db-1')!, true, h.clock.wallNow());
      await h.until(() => names(h).length === 3, 'db-2');
      markPod(h.api, pod(h, 'db-2')!, true, h.clock.wallNow());
      await h.until(() => set(h).status?.readyReplicas === 3, 'three ready');
      const status = set(h).status;
      assert.equal(status.currentRevision, status.updateRevision);
      assert.equal(status.updatedReplicas, 3);
      const revisions = h.list(controllerRevisionType, 'ns');
      assert.equal(revisions.length, 1);
      assert.equal(revisions[0]!.metadata.name, status.updateRevision);
      assert.equal(revisions[0]!.revision, 1);
      assert.equal(pod(h, 'db-0')?.metadata.labels?.['controller-revision-hash'], status.updateRevision);
    });
  });

  it('scales down from the highest ordinal, one at a time', async () => {
    await withSet(statefulSet(3), async (h) => {
      await h.until(() => {
        readyAll(h);
        return set(h).status?.readyReplicas === 3;
      }, 'three ready pods');
      h.api.put(statefulSetType, { ...set(h), spec: { ...set(h).spec, replicas: 1 } });
      await h.until(() => names(h).length === 1, 'two pods deleted');
      const deletes = h.api.requests.filter((r) => r.method === 'DELETE' && r.url.includes('/pods/')).map((r) => r.url.slice(r.url.lastIndexOf('/') + 1));
      assert.deepEqual(deletes, ['db-2', 'db-1'], 'highest ordinal first');
      assert.deepEqual(names(h), ['db-0']);
      await h.until(() => h.events('db').length === 5, 'an event per pod created and deleted');
      assert.deepEqual(h.events('db'), [
        'Normal SuccessfulCreate: create Pod db-0 in StatefulSet db successful',
        'Normal SuccessfulCreate: create Pod db-1 in StatefulSet db successful',
        'Normal SuccessfulCreate: create Pod db-2 in StatefulSet db successful',
        'Normal SuccessfulDelete: delete Pod db-2 in StatefulSet db successful',
        'Normal SuccessfulDelete: delete Pod db-1 in StatefulSet db successful',
      ]);
    });
  });

  it('creates and deletes all at once with Parallel', async () => {
    await withSet(statefulSet(3, { podManagementPolicy: 'Parallel' }), async (h) => {
      await h.until(() => names(h).length === 3, 'three pods at once');
      h.api.put(statefulSetType, { ...set(h), spec: { ...set(h).spec, replicas: 0 } });
      await h.until(() => names(h).length === 0, 'all gone at once');
    });
  });

  it('records FailedCreate with the error, and RecreatingFailedPod before replacing a failed pod', async () => {
    await withSet(statefulSet(1), async (h) => {
      await h.until(() => names(h).length === 1, 'db-0');
      const p0 = pod(h, 'db-0')!;
      h.api.put(podType, { ...p0, status: { phase: 'Failed' } });
      h.api.intercept = (req) => (req.method === 'POST' && req.url.includes('/pods') ? { code: 403, reason: 'Forbidden', message: 'pods "db-0" is forbidden: no' } : undefined);
      await h.until(() => h.events('db').some((e) => e.startsWith('Warning FailedCreate')), 'the failed create');
      // The refused create is retried (with backoff): its Event may count more than one already.
      assert.deepEqual(h.events('db').slice(1, 4).map((e) => e.replace(/ \(x\d+\)$/, '')), [
        'Warning RecreatingFailedPod: StatefulSet ns/db is recreating failed Pod db-0',
        'Normal SuccessfulDelete: delete Pod db-0 in StatefulSet db successful',
        'Warning FailedCreate: create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: no',
      ]);
    });
  });

  it('rolls an update through ordinals from the highest down, stopping at the partition', async () => {
    await withSet(statefulSet(3), async (h) => {
      await h.until(() => {
        readyAll(h);
        return set(h).status?.readyReplicas === 3;
      }, 'three ready pods');
      const first = set(h).status.updateRevision as string;
      const changed = structuredClone(set(h));
      changed.spec.template.spec.containers[0].image = 'app:2';
      changed.spec.updateStrategy.rollingUpdate.partition = 1;
      h.api.put(statefulSetType, changed);
      const order: string[] = [];
      await h.until(() => {
        for (const n of ['db-0', 'db-1', 'db-2']) if (image(pod(h, n)) === 'app:2' && !order.includes(n)) order.push(n);
        readyAll(h);
        return set(h).status?.updatedReplicas === 2 && set(h).status?.readyReplicas === 3;
      }, 'the partitioned rollout');
      assert.deepEqual(order, ['db-2', 'db-1'], 'highest ordinal first');
      assert.equal(image(pod(h, 'db-0')), 'app:1', 'below the partition stays on the old revision');
      assert.equal(set(h).status.currentRevision, first);
      // A pod below the partition that is deleted comes back at the current (old) revision.
      h.api.delete(podType, 'ns', 'db-0');
      await h.until(() => pod(h, 'db-0') !== undefined, 'db-0 recreated');
      assert.equal(image(pod(h, 'db-0')), 'app:1');
      const done = structuredClone(set(h));
      done.spec.updateStrategy.rollingUpdate.partition = 0;
      h.api.put(statefulSetType, done);
      await h.until(() => {
        readyAll(h);
        return set(h).status?.updatedReplicas === 3 && set(h).status?.currentRevision === set(h).status?.updateRevision;
      }, 'the full rollout');
      assert.equal(image(pod(h, 'db-0')), 'app:2');
      assert.equal(h.list(controllerRevisionType, 'ns').length, 2);
    });
  });
});
