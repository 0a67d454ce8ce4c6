/**
 * PodDisruptionBudgets end to end in one process: the real apiserver, the disruption controller
 * (with the workload controllers) and a test kubelet. A Deployment of 3 with a budget of
 * minAvailable 2 allows one eviction at a time: the first is accepted (JSON), the second refused
 * with 429 until the replacement is ready, then accepted (protobuf, as kubectl drain sends it).
 * Also: discovery of the policy group and of pods/eviction, validation, a pod with two budgets,
 * a missing pod, dry runs, and pods that go without consulting the budget.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentType } from '../../src/api/apps/v1/deployment.ts';
import { podType } from '../../src/api/core/v1/pod.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { podDisruptionBudgetType } from '../../src/api/policy/v1/pod-disruption-budget.ts';
import { protobufBody, ProtoWriter } from '../../src/api/protobuf/testing/proto-writer.ts';
import { waitFor } from '../../src/client/testing/wait-for.ts';
import { startControllerCluster, type ControllerCluster } from '../support/controller-cluster.ts';
import { isPodReady } from '../../src/api/core/v1/pod-conditions.ts';

const NS = 'pdb';
const PB = 'application/vnd.kubernetes.protobuf';
let cluster: ControllerCluster;

before(async () => {
  // Pods turn ready only when the test says so, so that what the budget allows is never a race.
  cluster = await startControllerCluster({ kubelet: { autoReady: false } });
  cluster.startManager('cm-1', false);
  await cluster.createNamespace(NS);
});
after(async () => {
  await cluster?.stop();
});

const budgets = () => cluster.client.resource(podDisruptionBudgetType);
const budget = (name: string): Promise<KubeObject> => budgets().get(name, { namespace: NS });
async function readyPods(selector: string): Promise<KubeObject[]> {
  const pods = (await cluster.client.resource(podType).list({ namespace: NS, labelSelector: selector })).items;
  return pods.filter((p) => p.metadata.deletionTimestamp === undefined && isPodReady(p));
}

/** Marks every running, unready pod of the selector ready (a kubelet whose probes now pass). */
async function readyAll(selector: string): Promise<number> {
  const pods = (await cluster.client.resource(podType).list({ namespace: NS, labelSelector: selector })).items;
  const waiting = pods.filter((p) => p.metadata.deletionTimestamp === undefined && p.status?.phase === 'Running' && !isPodReady(p));
  for (const p of waiting) await cluster.kubelet.markReady(p);
  return (await readyPods(selector)).length;
}

function evict(name: string, body: object = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: NS } }) {
  return cluster.api.request('POST', `/api/v1/namespaces/${NS}/pods/${name}/eviction`, { body });
}

/** An Eviction as kubectl drain's typed client writes it: ObjectMeta (1) and DeleteOptions (2). */
function evictProtobuf(name: string) {
  const raw = new ProtoWriter();
  raw.message(1, (m) => m.string(1, name).string(2, '').string(3, NS).message(8, () => {}));
  raw.message(2, (d) => d.varint(1, 0));
  return cluster.api.request('POST', `/api/v1/namespaces/${NS}/pods/${name}/eviction`, { body: protobufBody('policy/v1', 'Eviction', raw.finish()), headers: { 'Content-Type': PB, Accept: `${PB},application/json` } });
}

describe('PodDisruptionBudgets and evictions against the apiserver', () => {
  it('discovery lists poddisruptionbudgets in policy/v1 and pods/eviction in v1', async () => {
    const policy = await cluster.api.request('GET', '/apis/policy/v1');
    assert.equal(policy.status, 200, policy.text);
    const pdb = policy.json.resources.find((r: { name: string }) => r.name === 'poddisruptionbudgets');
    assert.deepEqual([pdb.kind, pdb.namespaced, pdb.shortNames], ['PodDisruptionBudget', true, ['pdb']]);
    assert.ok(policy.json.resources.some((r: { name: string }) => r.name === 'poddisruptionbudgets/status'));
    const core = await cluster.api.request('GET', '/api/v1');
    const eviction = core.json.resources.find((r: { name: string }) => r.name === 'pods/eviction');
    assert.deepEqual([eviction.kind, eviction.group, eviction.version, eviction.verbs], ['Eviction', 'policy', 'v1', ['create']]);
  });

  it('refuses a budget with both bounds (422 with the field cause)', async () => {
    const r = await cluster.api.request('POST', `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`, {
      body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'both' }, spec: { minAvailable: 1, maxUnavailable: 1, selector: {} } },
    });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.reason, 'Invalid');
    assert.deepEqual(r.json.details.causes.map((c: { field: string }) => c.field), ['spec']);
    assert.match(r.json.message, /minAvailable and maxUnavailable cannot be both set/);
  });

  it('allows one eviction at a time under minAvailable 2 of 3, and another once the replacement is ready', async () => {
    await cluster.client.resource(deploymentType).create({
      metadata: { name: 'web', namespace: NS },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'web:1', command: ['serve'] }] } } },
    });
    await budgets().create({ metadata: { name: 'web', namespace: NS }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } });
    await waitFor(async () => (await readyAll('app=web')) === 3, 'three ready pods');
    await waitFor(async () => (await budget('web')).status?.disruptionsAllowed === 1, 'one disruption allowed');
    const s = (await budget('web')).status;
    assert.deepEqual([s.expectedPods, s.desiredHealthy, s.currentHealthy, s.observedGeneration], [3, 2, 3, 1]);

    const [first, second] = await readyPods('app=web');
    const dry = await cluster.api.request('POST', `/api/v1/namespaces/${NS}/pods/${first!.metadata.name}/eviction?dryRun=All`, {
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: first!.metadata.name } },
    });
    assert.equal(dry.status, 201, dry.text);
    assert.equal((await budget('web')).status.disruptionsAllowed, 1, 'a dry run takes nothing from the budget');

    const accepted = await evict(first!.metadata.name!);
    assert.equal(accepted.status, 201, accepted.text);
    assert.equal(accepted.json.status, 'Success');
    assert.equal((await budget('web')).status.disruptionsAllowed, 0, 'the budget took the eviction');

    const refused = await evict(second!.metadata.name!);
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.json.reason, 'TooManyRequests');
    assert.equal(refused.json.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.equal(refused.json.details.causes[0].reason, 'DisruptionBudget');
    assert.match(refused.json.details.causes[0].message, /The disruption budget web needs 2 healthy pods and has 2 currently/);
    assert.equal(refused.headers['retry-after'], undefined, 'no Retry-After: clients retry at their own pace');
    assert.equal((await cluster.client.resource(podType).get(second!.metadata.name!, { namespace: NS })).metadata.deletionTimestamp, undefined, 'the refused pod stays');

    await waitFor(async () => (await readyAll('app=web')) === 3 && (await budget('web')).status?.disruptionsAllowed === 1, 'the replacement ready and the budget back to one');
    const viaProtobuf = await evictProtobuf(second!.metadata.name!);
    assert.equal(viaProtobuf.status, 201, viaProtobuf.text);
    await waitFor(async () => (await readyAll('app=web')) === 3, 'three ready pods again');
  });

  it('refuses a pod with two budgets (500), answers 404 for a missing pod, and lets Pending pods go', async () => {
    await budgets().create({ metadata: { name: 'web-too', namespace: NS }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } });
    const [pod] = await readyPods('app=web');
    const two = await evict(pod!.metadata.name!);
    assert.equal(two.status, 500, two.text);
    assert.equal(two.json.message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    await budgets().delete('web-too', { namespace: NS });

    const missing = await evict('no-such-pod');
    assert.equal(missing.status, 404, missing.text);
    assert.equal(missing.json.reason, 'NotFound');

    const mismatch = await evict(pod!.metadata.name!, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'other' } });
    assert.equal(mismatch.status, 400, mismatch.text);

    // A pod no kubelet runs stays Pending: deleting it disrupts nothing, whatever the budget says.
    await budgets().create({ metadata: { name: 'none', namespace: NS }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'idle' } } } });
    await cluster.client.resource(podType).create({ metadata: { name: 'idle', namespace: NS, labels: { app: 'idle' } }, spec: { nodeName: 'nowhere', containers: [{ name: 'c', image: 'x', command: ['sleep'] }] } });
    const pending = await evict('idle');
    assert.equal(pending.status, 201, pending.text);
  });
});
