/**
 * The workload controllers against the real apiserver, with a test kubelet: a Deployment of 3
 * gets 3 ready pods; a new image rolls out within maxSurge/maxUnavailable at every observed
 * step; `rollout undo` (kubectl's JSON patch of an old ReplicaSet's template) restores the
 * previous template; the scale subresource resizes it; a Job runs to completion; a StatefulSet
 * comes up in order.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentType } from '../../src/api/apps/v1/deployment.ts';
import { replicaSetType } from '../../src/api/apps/v1/replicaset.ts';
import { statefulSetType } from '../../src/api/apps/v1/statefulset.ts';
import { jobType } from '../../src/api/batch/v1/job.ts';
import { podType } from '../../src/api/core/v1/pod.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { resourcePath } from '../../src/api/resource-type.ts';
import { waitFor } from '../../src/client/testing/wait-for.ts';
import { startControllerCluster, type ControllerCluster } from '../support/controller-cluster.ts';
import { isPodReady } from '../../src/api/core/v1/pod-conditions.ts';

let cluster: ControllerCluster;
const NS = 'apps';

before(async () => {
  cluster = await startControllerCluster({ kubelet: { autoReady: false } });
  cluster.startManager('cm-1', false);
  await cluster.createNamespace(NS);
});
after(async () => {
  await cluster?.stop();
});

const deployments = () => cluster.client.resource(deploymentType);
const getDeployment = (name: string): Promise<KubeObject> => deployments().get(name, { namespace: NS });
const listPods = async (selector: string): Promise<KubeObject[]> => (await cluster.client.resource(podType).list({ namespace: NS, labelSelector: selector })).items;
const live = (pods: KubeObject[]): KubeObject[] => pods.filter((p) => p.metadata.deletionTimestamp === undefined && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');

/** What `kubectl rollout status` waits for. */
function rolledOut(d: KubeObject): boolean {
  const s = d.status ?? {};
  return (d.metadata.generation ?? 0) <= (s.observedGeneration ?? 0) && s.updatedReplicas === d.spec.replicas && s.replicas === s.updatedReplicas && (s.availableReplicas ?? 0) >= s.updatedReplicas;
}

/** Readies every live pod of the selector, one per call: a kubelet whose probes pass slowly. */
async function readyOne(selector: string): Promise<void> {
  const next = live(await listPods(selector)).find((p) => !isPodReady(p) && p.status?.phase === 'Running');
  if (next !== undefined) await cluster.kubelet.markReady(next);
}

describe('workload controllers against the apiserver', () => {
  it('a Deployment of 3 gets 3 ready pods, Available and rolled out', async () => {
    await deployments().create({
      metadata: { name: 'web', namespace: NS, annotations: { 'kubernetes.io/change-cause': 'first' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'http', image: 'web:1', command: ['serve'] }] } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      },
    });
    await waitFor(async () => {
      await readyOne('app=web');
      return rolledOut(await getDeployment('web'));
    }, 'the first rollout', 30_000);
    const d = await getDeployment('web');
    assert.equal(d.status.availableReplicas, 3);
    assert.equal((d.status.conditions as { type: string; status: string }[]).find((c) => c.type === 'Available')?.status, 'True');
    assert.equal(live(await listPods('app=web')).filter(isPodReady).length, 3);
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  });

  it('a new image rolls out within maxSurge and maxUnavailable at every observed step', async () => {
    // What `kubectl set image` sends.
    await deployments().patch('web', { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'http' }], containers: [{ image: 'web:2', name: 'http' }] } } } }, { namespace: NS, type: 'strategic' });
    const steps: string[] = [];
    await waitFor(async () => {
      const pods = live(await listPods('app=web'));
      const ready = pods.filter(isPodReady).length;
      steps.push(`${pods.length}/${ready}`);
      assert.ok(pods.length <= 4, `at most replicas + maxSurge = 4 pods, saw ${pods.length} (steps ${steps.join(' ')})`);
      assert.ok(ready >= 2, `at least replicas - maxUnavailable = 2 ready pods, saw ${ready} (steps ${steps.join(' ')})`);
      await readyOne('app=web');
      const d = await getDeployment('web');
      return rolledOut(d) && live(await listPods('app=web')).every((p) => p.spec.containers[0].image === 'web:2');
    }, 'the rollout of web:2', 60_000);
    assert.equal((await getDeployment('web')).metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  });

  it('rollout undo (kubectl 1.32: a JSON patch of the old template and annotations) restores the previous template', async () => {
    const d = await getDeployment('web');
    const sets = (await cluster.client.resource(replicaSetType).list({ namespace: NS, labelSelector: 'app=web' })).items;
    const previous = sets.find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1')!;
    assert.ok(previous, 'revision 1 is kept');
    const template = structuredClone(previous.spec.template);
    delete template.metadata.labels['pod-template-hash'];
    template.metadata.creationTimestamp = null; // as Go's client serialises an empty time
    const annotations: Record<string, string> = { 'deployment.kubernetes.io/revision': d.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '' };
    for (const [k, v] of Object.entries(previous.metadata.annotations ?? {})) {
      if (!k.startsWith('deployment.kubernetes.io/')) annotations[k] = v;
    }
    await cluster.client.rest.requestJson({
      method: 'PATCH',
      path: resourcePath(deploymentType, NS, 'web'),
      contentType: 'application/json-patch+json',
      body: [
        { op: 'replace', path: '/spec/template', value: template },
        { op: 'replace', path: '/metadata/annotations', value: annotations },
      ],
    });
    await waitFor(async () => {
      await readyOne('app=web');
      return rolledOut(await getDeployment('web')) && live(await listPods('app=web')).every((p) => p.spec.containers[0].image === 'web:1');
    }, 'the rollback', 60_000);
    const after = await getDeployment('web');
    assert.equal(after.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(after.metadata.annotations?.['kubernetes.io/change-cause'], 'first');
    const rsList = (await cluster.client.resource(replicaSetType).list({ namespace: NS, labelSelector: 'app=web' })).items;
    assert.equal(rsList.length, 2, 'the old ReplicaSet was reused, not a third one made');
    assert.equal(rsList.find((rs) => rs.metadata.name === previous.metadata.name)?.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  });

  it('the scale subresource scales up and down', async () => {
    for (const replicas of [5, 2]) {
      // What `kubectl scale` sends.
      await cluster.client.rest.requestJson({ method: 'PATCH', path: resourcePath(deploymentType, NS, 'web', 'scale'), contentType: 'application/merge-patch+json', body: { spec: { replicas } } });
      await waitFor(async () => {
        await readyOne('app=web');
        const d = await getDeployment('web');
        return rolledOut(d) && d.status.readyReplicas === replicas && live(await listPods('app=web')).length === replicas;
      }, `${replicas} replicas`, 30_000);
    }
  });

  it('a Job runs its completions and reports Complete', async () => {
    await cluster.client.resource(jobType).create({
      metadata: { name: 'pi', namespace: NS },
      spec: { completions: 3, parallelism: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl', command: ['true'] }] } } },
    });
    await waitFor(async () => {
      const j = await cluster.client.resource(jobType).get('pi', { namespace: NS });
      return (j.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Complete' && c.status === 'True');
    }, 'the job to complete', 30_000);
    const j = await cluster.client.resource(jobType).get('pi', { namespace: NS });
    assert.equal(j.status.succeeded, 3);
    assert.ok(j.status.completionTime);
    const pods = await listPods('batch.kubernetes.io/job-name=pi');
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => (p.metadata.finalizers ?? []).length === 0), 'tracking finalizers released');
  });

  it('deleting a running Job takes its pods with it', async () => {
    await cluster.client.resource(jobType).create({
      metadata: { name: 'sleepy', namespace: NS },
      spec: { parallelism: 2, completions: 4, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 's', image: 'busybox', command: ['sleep', '1000'] }] } } },
    });
    await waitFor(async () => (await listPods('batch.kubernetes.io/job-name=sleepy')).length === 2, 'two pods', 30_000);
    await cluster.client.resource(jobType).delete('sleepy', { namespace: NS, propagationPolicy: 'Background' });
    await waitFor(async () => (await listPods('batch.kubernetes.io/job-name=sleepy')).length === 0, 'the pods to go with the job', 30_000);
  });

  it('a StatefulSet creates its pods in order with stable names', async () => {
    await cluster.client.resource(statefulSetType).create({
      metadata: { name: 'db', namespace: NS },
      spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1', command: ['db'] }] } } },
    });
    const seen: string[] = [];
    await waitFor(async () => {
      const pods = live(await listPods('app=db'));
      for (const p of pods) if (!seen.includes(p.metadata.name ?? '')) seen.push(p.metadata.name ?? '');
      await readyOne('app=db');
      const s = await cluster.client.resource(statefulSetType).get('db', { namespace: NS });
      return s.status?.readyReplicas === 3;
    }, 'three ready stateful pods', 30_000);
    assert.deepEqual(seen, ['db-0', 'db-1', 'db-2']);
  });
});
