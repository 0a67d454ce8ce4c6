/**
 * Two controller managers under leader election against one apiserver: only the leader acts;
 * when it is stopped in the middle of scaling a Deployment up — cleanly (releasing the lease)
 * or as if killed (the lease left to expire) — the standby takes over and finishes the job
 * with exactly the desired number of pods: never more, at any observed point.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentType } from '../../src/api/apps/v1/deployment.ts';
import { leaseType } from '../../src/api/coordination/v1/lease.ts';
import { podType } from '../../src/api/core/v1/pod.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { resourcePath } from '../../src/api/resource-type.ts';
import { waitFor } from '../../src/client/testing/wait-for.ts';
import { startControllerCluster, type ControllerCluster, type RunningManager } from '../support/controller-cluster.ts';

const NS = 'ha';
const WANTED = 60;
let cluster: ControllerCluster;

before(async () => {
  cluster = await startControllerCluster();
  await cluster.createNamespace(NS);
});
after(async () => {
  await cluster?.stop();
});

async function holder(): Promise<string> {
  const lease = await cluster.client
    .resource(leaseType)
    .get('kube-controller-manager', { namespace: 'kube-system' })
    .catch((): undefined => undefined);
  return lease?.spec?.holderIdentity ?? '';
}
const livePods = async (app: string): Promise<KubeObject[]> => (await cluster.client.resource(podType).list({ namespace: NS, labelSelector: `app=${app}` })).items.filter((p) => p.metadata.deletionTimestamp === undefined);

/**
 * Starts two managers, scales `name` from 1 to WANTED, stops the leader once the scale-up has
 * begun, and checks that the standby finishes it with exactly WANTED pods, never more.
 */
async function failoverDuringScaleUp(name: string, crash: boolean): Promise<void> {
  const managers: RunningManager[] = [cluster.startManager(`${name}-a`, true, { crash }), cluster.startManager(`${name}-b`, true, { crash })];
  await waitFor(async () => (await holder()).startsWith(`${name}-`), 'a leader', 30_000);
  const leaderName = await holder();
  const first = managers.find((m) => m.identity === leaderName)!;
  const standby = managers.find((m) => m !== first)!;

  await cluster.client.resource(deploymentType).create({
    metadata: { name, namespace: NS },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x', command: ['x'] }] } } },
  });
  await waitFor(async () => (await livePods(name)).length === 1, 'the first pod', 30_000);

  let most = 0;
  const sample = async (): Promise<number> => {
    const n = (await livePods(name)).length;
    most = Math.max(most, n);
    return n;
  };
  await cluster.client.rest.requestJson({ method: 'PATCH', path: resourcePath(deploymentType, NS, name, 'scale'), contentType: 'application/merge-patch+json', body: { spec: { replicas: WANTED } } });
  await waitFor(async () => (await sample()) > 1, 'the scale-up to start', 30_000);
  await first.stop();
  const atStop = await sample();

  await waitFor(async () => (await holder()) === standby.identity, 'the standby to take over', 30_000);
  await waitFor(async () => (await sample()) === WANTED, `${WANTED} pods`, 60_000);
  await waitFor(async () => {
    const d = await cluster.client.resource(deploymentType).get(name, { namespace: NS });
    return d.status?.replicas === WANTED && d.status?.availableReplicas === WANTED && (await sample()) === WANTED;
  }, 'the deployment to settle', 60_000);
  assert.ok(atStop < WANTED, `the leader was stopped mid-scale (${atStop} of ${WANTED} pods then)`);
  assert.equal(most, WANTED, `never more than ${WANTED} pods (at most ${most} seen)`);
  assert.equal((await livePods(name)).length, WANTED);
  await standby.stop();
}

describe('controller manager failover', () => {
  it('the standby finishes a scale-up the stopped leader started, with no extra pods', async () => {
    await failoverDuringScaleUp('clean', false);
  });

  it('the same when the leader dies without releasing its lease (the standby waits it out)', async () => {
    await failoverDuringScaleUp('crash', true);
  });
});
