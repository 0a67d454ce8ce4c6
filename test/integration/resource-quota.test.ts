/**
 * ResourceQuota and LimitRange admission of pods through the apiserver: refusals with upstream's messages,
 * compare-and-swap charging under concurrent creates on two apiservers sharing a store, charges
 * given back when the create fails, dry runs; and with the controllers, a Deployment that the
 * quota holds back, reporting why, until the quota grows.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentType } from '../../src/api/apps/v1/deployment.ts';
import { replicaSetType } from '../../src/api/apps/v1/replicaset.ts';
import { podType } from '../../src/api/core/v1/pod.ts';
import { resourceQuotaType } from '../../src/api/core/v1/resource-quota.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { waitFor } from '../../src/client/testing/wait-for.ts';
import { MemoryStorage } from '../../src/storage/memory/memory-storage.ts';
import { useControllerCluster } from '../support/controller-cluster.ts';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

const NS = 'quota';
const PODS = `/api/v1/namespaces/${NS}/pods`;
const QUOTAS = `/api/v1/namespaces/${NS}/resourcequotas`;

function podBody(name: string, cpu?: string): object {
  const resources = cpu === undefined ? {} : { requests: { cpu } };
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'i', command: ['sleep', '60'], resources }] } };
}

describe('quota admission of pods on two apiservers sharing a store', () => {
  const storage = new MemoryStorage();
  let a: TestApiServer;
  let b: TestApiServer;

  /** A quota whose status is filled as the quota controller would (no controller runs here). */
  async function createQuota(name: string, hard: Record<string, string>, used: Record<string, string>): Promise<void> {
    const created = await a.request('POST', QUOTAS, { body: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec: { hard } } });
    assert.equal(created.status, 201, created.text);
    const status = await a.request('PUT', `${QUOTAS}/${name}/status`, { body: { ...created.json, status: { hard, used } } });
    assert.equal(status.status, 200, status.text);
    // Admission reads quotas from each apiserver's watch cache, which a resourceVersion=0 list shows.
    for (const server of [a, b]) {
      await waitFor(async () => {
        const cached = (await server.request('GET', `${QUOTAS}?resourceVersion=0`)).json.items as KubeObject[];
        return cached.some((q) => q.metadata.name === name && q.metadata.resourceVersion === status.json.metadata.resourceVersion);
      }, `quota ${name} in the watch cache`);
    }
  }
  const used = async (name: string): Promise<Record<string, string>> => (await a.request('GET', `${QUOTAS}/${name}`)).json.status.used;

  before(async () => {
    a = await startTestApiServer({ storage });
    b = await startTestApiServer({ storage });
    assert.equal((await a.request('POST', '/api/v1/namespaces', { body: { metadata: { name: NS } } })).status, 201);
  });
  after(async () => {
    await b?.server.close();
    await a?.close();
  });

  it('charges concurrent creates through both apiservers exactly up to the quota', async () => {
    await createQuota('count', { pods: '5' }, { pods: '0' });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).request('POST', PODS, { body: podBody(`p${i}`) })));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 5, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 403).length, 7, JSON.stringify(statuses));
    const refused = results.find((r) => r.status === 403)!;
    assert.equal(refused.json.reason, 'Forbidden');
    assert.match(refused.json.message, /^pods "p\d+" is forbidden: exceeded quota: count, requested: pods=1, used: pods=5, limited: pods=5$/);
    assert.deepEqual(await used('count'), { pods: '5' });
    assert.equal((await a.request('GET', PODS)).json.items.length, 5);
  });

  it('gives the charge back when the create fails, and charges nothing for a dry run', async () => {
    await a.request('DELETE', `${QUOTAS}/count`);
    await createQuota('cpu', { 'requests.cpu': '1' }, { 'requests.cpu': '0' });
    assert.equal((await a.request('POST', PODS, { body: podBody('c1', '400m') })).status, 201);
    assert.deepEqual(await used('cpu'), { 'requests.cpu': '400m' });
    // The name is taken: the write fails after the charge, which is given back.
    const taken = await b.request('POST', PODS, { body: podBody('c1', '400m') });
    assert.equal(taken.status, 409, taken.text);
    assert.deepEqual(await used('cpu'), { 'requests.cpu': '400m' });
    const dry = await a.request('POST', `${PODS}?dryRun=All`, { body: podBody('c2', '500m') });
    assert.equal(dry.status, 201, dry.text);
    assert.deepEqual(await used('cpu'), { 'requests.cpu': '400m' });
    const tooMuch = await a.request('POST', `${PODS}?dryRun=All`, { body: podBody('c3', '700m') });
    assert.equal(tooMuch.status, 403);
    assert.match(tooMuch.json.message, /exceeded quota: cpu, requested: requests\.cpu=700m, used: requests\.cpu=400m, limited: requests\.cpu=1$/);
  });

  it('refuses a pod that leaves out a request the quota limits', async () => {
    const res = await a.request('POST', PODS, { body: podBody('bare') });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.message, 'pods "bare" is forbidden: failed quota: cpu: must specify requests.cpu for: app');
    assert.equal((await a.request('GET', `${PODS}/bare`)).status, 404);
  });

  it('counts objects of other kinds, by their count/ name and the older one', async () => {
    await createQuota('objects', { 'count/configmaps': '2', secrets: '0' }, { 'count/configmaps': '1', secrets: '0' });
    const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    assert.equal((await a.request('POST', `/api/v1/namespaces/${NS}/configmaps`, { body: cm('c1') })).status, 201);
    const over = await b.request('POST', `/api/v1/namespaces/${NS}/configmaps`, { body: cm('c2') });
    assert.equal(over.status, 403, over.text);
    assert.equal(over.json.message, 'configmaps "c2" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=2, limited: count/configmaps=2');
    const secret = await a.request('POST', `/api/v1/namespaces/${NS}/secrets`, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } } });
    assert.equal(secret.status, 403, secret.text);
    assert.match(secret.json.message, /^secrets "s" is forbidden: exceeded quota: objects, requested: secrets=1, used: secrets=0, limited: secrets=0$/);
    assert.deepEqual(await used('objects'), { 'count/configmaps': '2', secrets: '0' });
    // Other namespaces are not this quota's business.
    assert.equal((await a.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm('c3') })).status, 201);
    await a.request('DELETE', `${QUOTAS}/objects`);
  });

  it('fills container defaults from a LimitRange (then charged), and refuses what exceeds its bounds', async () => {
    const lr = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults' }, spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m' }, default: { cpu: '200m' }, max: { cpu: '300m' } }] } };
    assert.equal((await b.request('POST', `/api/v1/namespaces/${NS}/limitranges`, { body: lr })).status, 201);
    // Admission reads LimitRanges from the watch cache of the apiserver the pod goes through.
    await waitFor(async () => (await a.request('GET', `/api/v1/namespaces/${NS}/limitranges?resourceVersion=0`)).json.items.length === 1, 'the LimitRange in the watch cache');
    const bare = await a.request('POST', PODS, { body: podBody('bare') });
    assert.equal(bare.status, 201, bare.text);
    assert.deepEqual(bare.json.spec.containers[0].resources, { requests: { cpu: '100m' }, limits: { cpu: '200m' } });
    assert.equal(bare.json.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu request for container app; cpu limit for container app');
    assert.deepEqual(await used('cpu'), { 'requests.cpu': '500m' });
    const big = await a.request('POST', PODS, { body: { ...podBody('big'), spec: { containers: [{ name: 'app', image: 'i', resources: { limits: { cpu: '1' } } }] } } });
    assert.equal(big.status, 403, big.text);
    assert.equal(big.json.message, 'pods "big" is forbidden: maximum cpu usage per Container is 300m, but limit is 1');
    assert.deepEqual(await used('cpu'), { 'requests.cpu': '500m' });
  });
});

describe('quota admission with the controllers', () => {
  const cluster = useControllerCluster(NS);

  it('holds a Deployment back at the quota, says why, and goes on once the quota grows', async () => {
    const quotas = cluster().client.resource(resourceQuotaType);
    await quotas.create({ metadata: { name: 'pods', namespace: NS }, spec: { hard: { pods: '2' } } });
    await waitFor(async () => (await quotas.get('pods', { namespace: NS })).status?.used !== undefined, 'the quota controller to fill status.used');
    const labels = { app: 'held' };
    await cluster().client.resource(deploymentType).create({
      metadata: { name: 'held', namespace: NS },
      spec: { replicas: 3, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'i', command: ['sleep', '60'] }] } } },
    });
    const pods = async (): Promise<KubeObject[]> => (await cluster().client.resource(podType).list({ namespace: NS, labelSelector: 'app=held' })).items;
    const failure = async (): Promise<Record<string, unknown> | undefined> => {
      const [rs] = (await cluster().client.resource(replicaSetType).list({ namespace: NS, labelSelector: 'app=held' })).items;
      return ((rs?.status?.conditions ?? []) as Array<Record<string, unknown>>).find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    };
    await waitFor(async () => (await failure()) !== undefined, 'the ReplicaSet to report ReplicaFailure');
    assert.equal((await pods()).length, 2);
    assert.match(String((await failure())!.message), /exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2/);

    const current = await quotas.get('pods', { namespace: NS });
    await quotas.update({ ...current, spec: { hard: { pods: '3' } } });
    await waitFor(async () => (await pods()).length === 3 && (await failure()) === undefined, 'the third pod once the quota allows it');
    await waitFor(async () => (await quotas.get('pods', { namespace: NS })).status?.used?.pods === '3', 'the quota controller to count 3 pods');
  });
});
