/**
 * The controllers' Events and the root CA ConfigMap against the real apiserver: what `kubectl
 * describe` (events of one object by involvedObject field selectors) and `kubectl events --for`
 * find after a scale-up and scale-down, a ReplicaSet held back by a ResourceQuota (one Warning
 * whose count grows, not an Event per retry), a Job that completes; and `kube-root-ca.crt` in a
 * new namespace.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentType } from '../../src/api/apps/v1/deployment.ts';
import { replicaSetType } from '../../src/api/apps/v1/replicaset.ts';
import { jobType } from '../../src/api/batch/v1/job.ts';
import { configMapType } from '../../src/api/core/v1/configmap.ts';
import { eventType } from '../../src/api/core/v1/event.ts';
import { resourceQuotaType } from '../../src/api/core/v1/resource-quota.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { waitFor } from '../../src/client/testing/wait-for.ts';
import { useControllerCluster } from '../support/controller-cluster.ts';

const NS = 'events';
const cluster = useControllerCluster(NS);

/** The Events `kubectl describe` shows for `obj`: its namespace, by name, namespace, kind and uid. */
async function describeEvents(obj: KubeObject, kind: string): Promise<KubeObject[]> {
  const m = obj.metadata;
  const fieldSelector = `involvedObject.name=${m.name},involvedObject.namespace=${m.namespace},involvedObject.kind=${kind},involvedObject.uid=${m.uid}`;
  return (await cluster().client.resource(eventType).list({ namespace: m.namespace, fieldSelector })).items;
}

const lines = (events: KubeObject[]): string[] => events.map((e) => `${e.type} ${e.reason} ${(e.source as { component: string }).component}: ${e.message}`);

function deployment(name: string, replicas: number): KubeObject {
  const labels = { app: name };
  return { metadata: { name, namespace: NS }, spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'x', command: ['sh', '-c', 'sleep 3600'] }] } } } };
}

async function replicaSetOf(name: string): Promise<KubeObject> {
  let rs: KubeObject | undefined;
  await waitFor(async () => (rs = (await cluster().client.resource(replicaSetType).list({ namespace: NS, labelSelector: `app=${name}` })).items[0]) !== undefined, `the ReplicaSet of ${name}`);
  return rs!;
}

describe('controller events through the apiserver', () => {
  it('a scale-up and scale-down are found on the Deployment and its ReplicaSet as kubectl describe asks', async () => {
    const deployments = cluster().client.resource(deploymentType);
    await deployments.create(deployment('web', 1));
    const rs = await replicaSetOf('web');
    await deployments.patch('web', { spec: { replicas: 3 } }, { namespace: NS });
    await waitFor(async () => (await describeEvents(rs, 'ReplicaSet')).length === 3, 'three pods created');
    await deployments.patch('web', { spec: { replicas: 2 } }, { namespace: NS });
    const d = await deployments.get('web', { namespace: NS });
    await waitFor(async () => (await describeEvents(d, 'Deployment')).length === 3, 'three scaling events');
    assert.deepEqual(lines(await describeEvents(d, 'Deployment')), [
      `Normal ScalingReplicaSet deployment-controller: Scaled up replica set ${rs.metadata.name} from 0 to 1`,
      `Normal ScalingReplicaSet deployment-controller: Scaled up replica set ${rs.metadata.name} from 1 to 3`,
      `Normal ScalingReplicaSet deployment-controller: Scaled down replica set ${rs.metadata.name} from 3 to 2`,
    ]);
    await waitFor(async () => (await describeEvents(rs, 'ReplicaSet')).some((e) => e.reason === 'SuccessfulDelete'), 'the deleted pod');
    const rsLines = lines(await describeEvents(rs, 'ReplicaSet'));
    assert.equal(rsLines.filter((l) => new RegExp(`^Normal SuccessfulCreate replicaset-controller: Created pod: ${rs.metadata.name}-[a-z0-9]{5}$`).test(l)).length, 3);
    assert.equal(rsLines.filter((l) => new RegExp(`^Normal SuccessfulDelete replicaset-controller: Deleted pod: ${rs.metadata.name}-[a-z0-9]{5}$`).test(l)).length, 1);
    // `kubectl events --for deploy/web` asks by kind and name.
    const forDeployment = await cluster().client.resource(eventType).list({ namespace: NS, fieldSelector: 'involvedObject.kind=Deployment,involvedObject.name=web' });
    assert.equal(forDeployment.items.length, 3);
  });

  it('a ReplicaSet held back by a quota keeps a handful of FailedCreate Warnings whose counts grow', async () => {
    const quotas = cluster().client.resource(resourceQuotaType);
    await quotas.create({ metadata: { name: 'pods', namespace: NS }, spec: { hard: { pods: '3' } } });
    await waitFor(async () => (await quotas.get('pods', { namespace: NS })).status?.used?.pods === '2', 'the quota to count the two pods of web');
    await cluster().client.resource(deploymentType).create(deployment('held', 3));
    const rs = await replicaSetOf('held');
    const failures = async (): Promise<KubeObject[]> => (await describeEvents(rs, 'ReplicaSet')).filter((e) => e.reason === 'FailedCreate');
    await waitFor(async () => (await failures()).length > 0, 'the refusal');
    const [first] = await failures();
    assert.equal(first!.type, 'Warning');
    assert.match(String(first!.message), new RegExp(`^Error creating: pods "${rs.metadata.name}-[a-z0-9]{5}" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=3, limited: pods=3$`));
    // The retries go on with backoff; they add counts, never an Event each.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const refused = await failures();
    const count = refused.reduce((n, e) => n + (e.count as number), 0);
    assert.ok(refused.length <= 10, `at most 10 FailedCreate Events, saw ${refused.length} for ${count} refusals`);
    await quotas.delete('pods', { namespace: NS });
  });

  it('a Job that completes says so', async () => {
    await cluster().client.resource(jobType).create({
      metadata: { name: 'once', namespace: NS },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x', command: ['sh', '-c', 'exit 0'] }] } } },
    });
    const job = await cluster().client.resource(jobType).get('once', { namespace: NS });
    await waitFor(async () => (await describeEvents(job, 'Job')).some((e) => e.reason === 'Completed'), 'the Completed event');
    const told = lines(await describeEvents(job, 'Job'));
    assert.match(told[0]!, /^Normal SuccessfulCreate job-controller: Created pod: once-[a-z0-9]{5}$/);
    assert.equal(told.at(-1), 'Normal Completed job-controller: Job completed');
  });

  it('publishes kube-root-ca.crt with the cluster CA in a new namespace', async () => {
    await cluster().createNamespace('fresh');
    let cm: KubeObject | undefined;
    await waitFor(async () => (cm = await cluster().client.resource(configMapType).get('kube-root-ca.crt', { namespace: 'fresh' }).catch(() => undefined)) !== undefined, 'the ConfigMap');
    assert.deepEqual(cm!.data, { 'ca.crt': cluster().api.certs.caPem });
    assert.match(cm!.metadata.annotations?.['kubernetes.io/description'] ?? '', /^Contains a CA bundle that can be used to verify the kube-apiserver/);
  });
});
