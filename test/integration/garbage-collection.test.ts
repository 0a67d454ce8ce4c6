/**
 * Deleting a Deployment with each propagation policy, against the real apiserver and the
 * garbage collector: Background deletes the ReplicaSet and pods after it; Foreground keeps the
 * Deployment (deletionTimestamp, `foregroundDeletion`) until they are gone; Orphan leaves them,
 * without owner references.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentType } from '../../src/api/apps/v1/deployment.ts';
import { replicaSetType } from '../../src/api/apps/v1/replicaset.ts';
import { podType } from '../../src/api/core/v1/pod.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { isNotFound } from '../../src/client/index.ts';
import { waitFor } from '../../src/client/testing/wait-for.ts';
import { useControllerCluster } from '../support/controller-cluster.ts';

const NS = 'gc';
const cluster = useControllerCluster(NS);

async function deployment(name: string): Promise<void> {
  await cluster().client.resource(deploymentType).create({
    metadata: { name, namespace: NS },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x', command: ['x'] }] } } },
  });
  await waitFor(async () => (await cluster().client.resource(deploymentType).get(name, { namespace: NS })).status?.availableReplicas === 2, `${name} available`, 30_000);
}

const sets = async (app: string): Promise<KubeObject[]> => (await cluster().client.resource(replicaSetType).list({ namespace: NS, labelSelector: `app=${app}` })).items;
const pods = async (app: string): Promise<KubeObject[]> => (await cluster().client.resource(podType).list({ namespace: NS, labelSelector: `app=${app}` })).items;
const gone = async (name: string): Promise<boolean> => {
  try {
    await cluster().client.resource(deploymentType).get(name, { namespace: NS });
    return false;
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
};

describe('garbage collection of a Deployment', () => {
  it('Background: the Deployment goes at once, its ReplicaSet and pods after it', async () => {
    await deployment('bg');
    await cluster().client.resource(deploymentType).delete('bg', { namespace: NS, propagationPolicy: 'Background' });
    assert.ok(await gone('bg'));
    await waitFor(async () => (await sets('bg')).length === 0 && (await pods('bg')).length === 0, 'the ReplicaSet and pods to go', 30_000);
  });

  it('Foreground: the Deployment stays, marked, until its dependents are gone', async () => {
    await deployment('fg');
    const deleted = await cluster().client.resource(deploymentType).delete('fg', { namespace: NS, propagationPolicy: 'Foreground' });
    assert.ok((deleted as KubeObject).metadata.deletionTimestamp, 'the Deployment is marked deleted');
    assert.deepEqual((deleted as KubeObject).metadata.finalizers, ['foregroundDeletion']);
    // Watch the order: the Deployment must outlive every pod and the ReplicaSet.
    let order: 'deployment-first' | 'ok' = 'ok';
    await waitFor(async () => {
      const [dGone, rs, ps] = await Promise.all([gone('fg'), sets('fg'), pods('fg')]);
      if (dGone && (rs.length > 0 || ps.length > 0)) order = 'deployment-first';
      return dGone;
    }, 'the Deployment to go', 30_000);
    assert.equal(order, 'ok', 'the Deployment went only after its dependents');
    assert.equal((await sets('fg')).length + (await pods('fg')).length, 0);
  });

  it('Orphan: the ReplicaSet and pods stay, no longer owned', async () => {
    await deployment('or');
    await cluster().client.resource(deploymentType).delete('or', { namespace: NS, propagationPolicy: 'Orphan' });
    await waitFor(() => gone('or'), 'the Deployment to go', 30_000);
    const [rs] = await sets('or');
    assert.ok(rs, 'the ReplicaSet stays');
    assert.equal(rs.metadata.ownerReferences, undefined);
    const left = await pods('or');
    assert.equal(left.length, 2, 'its pods stay');
    assert.ok(left.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid), 'still owned by the ReplicaSet');
  });
});
