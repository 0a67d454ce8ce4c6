import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { chargeToQuota, QuotaRefusal, releaseFromQuota } from './resource-quota-admission.ts';

const PODS = { group: '', resource: 'pods' };
const chargePodToQuota = (quota: KubeObject, pod: KubeObject) => chargeToQuota(quota, pod, PODS);

function quota(hard: Record<string, string>, used: Record<string, string> | undefined, spec: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'q', namespace: 'ns' }, spec: { hard, ...spec }, ...(used === undefined ? {} : { status: { hard, used } }) };
}

function pod(resources: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'app', image: 'i', resources }], ...extra } };
}

const refusal = (message: string) => (err: unknown) => err instanceof QuotaRefusal && err.message === message;

void test('a pod within the quota is charged: status.used with the pod counted in, other entries kept', () => {
  const q = quota({ pods: '3', 'requests.cpu': '1', 'limits.memory': '1Gi', secrets: '5' }, { pods: '1', 'requests.cpu': '250m', 'limits.memory': '512Mi', secrets: '2' });
  const charge = chargePodToQuota(q, pod({ requests: { cpu: '500m' }, limits: { memory: '256Mi' } }));
  assert.deepEqual(charge?.used, { pods: '2', 'requests.cpu': '750m', 'limits.memory': '768Mi', secrets: '2' });
  assert.deepEqual([...charge.requested], [['pods', 1_000_000_000n], ['requests.cpu', 500_000_000n], ['limits.memory', 256n * 2n ** 20n * 1_000_000_000n]]);
});

void test('a pod beyond the quota is refused, naming only what it exceeds', () => {
  const q = quota({ pods: '2', 'requests.cpu': '1' }, { pods: '2', 'requests.cpu': '100m' });
  assert.throws(() => chargePodToQuota(q, pod({ requests: { cpu: '200m' } })), refusal('exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2'));
  const both = quota({ pods: '2', 'requests.cpu': '1' }, { pods: '2', 'requests.cpu': '900m' });
  assert.throws(
    () => chargePodToQuota(both, pod({ requests: { cpu: '200m' } })),
    refusal('exceeded quota: q, requested: pods=1,requests.cpu=200m, used: pods=2,requests.cpu=900m, limited: pods=2,requests.cpu=1'),
  );
  // Exactly reaching the limit is allowed.
  assert.equal(chargePodToQuota(quota({ pods: '3' }, { pods: '2' }), pod())?.used.pods, '3');
});

void test('containers must name the cpu and memory the quota limits, init containers included', () => {
  const q = quota({ 'limits.cpu': '4', memory: '1Gi' }, { 'limits.cpu': '0', memory: '0' });
  const p = pod({ requests: { memory: '10Mi' } }, { initContainers: [{ name: 'init', image: 'i' }] });
  assert.throws(() => chargePodToQuota(q, p), refusal('failed quota: q: must specify limits.cpu for: app,init; memory for: init'));
  // A limit stands in for the request it defaults.
  assert.ok(chargePodToQuota(q, pod({ limits: { cpu: '1', memory: '10Mi' } })));
});

void test('a quota constrains only once its status lists usage, and only pods its scopes select', () => {
  // No status yet (the controller has not seen the quota): nothing to check against.
  assert.equal(chargePodToQuota(quota({ pods: '0' }, undefined), pod()), undefined);
  const unknown: KubeObject = { metadata: { name: 'q' }, spec: { hard: { pods: '1', cpu: '1' } }, status: { hard: { pods: '1', cpu: '1' }, used: { pods: '0' } } };
  assert.throws(() => chargePodToQuota(unknown, pod({ requests: { cpu: '1' } })), refusal('status unknown for quota: q, resources: cpu,pods'));
  const bestEffortOnly = quota({ pods: '0' }, { pods: '0' }, { scopes: ['BestEffort'] });
  assert.equal(chargePodToQuota(bestEffortOnly, pod({ requests: { cpu: '1' } })), undefined);
  assert.throws(() => chargePodToQuota(bestEffortOnly, pod()), QuotaRefusal);
  // Resources quota accounting does not track, or a pod that asks for none of them: no charge.
  assert.equal(chargePodToQuota(quota({ secrets: '1' }, { secrets: '1' }), pod()), undefined);
  assert.equal(chargePodToQuota(quota({ 'requests.cpu': '1' }, { 'requests.cpu': '0' }), pod({ requests: { cpu: '0' } })), undefined);
});

void test('a charge is given back, never below zero', () => {
  const q = quota({ pods: '3', 'requests.memory': '1Gi' }, { pods: '2', 'requests.memory': '256Mi' });
  const requested = new Map([['pods', 1_000_000_000n], ['requests.memory', 512n * 2n ** 20n * 1_000_000_000n]]);
  assert.deepEqual(releaseFromQuota(q, requested), { pods: '1', 'requests.memory': '0' });
});

void test('objects of other kinds are charged to their object counts, by the older names too', () => {
  const q = quota({ 'count/configmaps': '2', secrets: '1', 'count/widgets.example.com': '1', pods: '5' }, { 'count/configmaps': '1', secrets: '1', 'count/widgets.example.com': '0', pods: '0' });
  const cm: KubeObject = { metadata: { name: 'c', namespace: 'ns' } };
  assert.deepEqual(chargeToQuota(q, cm, { group: '', resource: 'configmaps' })?.used, { 'count/configmaps': '2', secrets: '1', 'count/widgets.example.com': '0', pods: '0' });
  assert.throws(() => chargeToQuota(q, cm, { group: '', resource: 'secrets' }), refusal('exceeded quota: q, requested: secrets=1, used: secrets=1, limited: secrets=1'));
  assert.equal(chargeToQuota(q, cm, { group: 'example.com', resource: 'widgets' })?.used['count/widgets.example.com'], '1');
  assert.equal(chargeToQuota(q, cm, { group: '', resource: 'services' }), undefined);
  // Quotas with scopes count pods only.
  const scoped = quota({ 'count/configmaps': '0' }, { 'count/configmaps': '0' }, { scopes: ['BestEffort'] });
  assert.equal(chargeToQuota(scoped, cm, { group: '', resource: 'configmaps' }), undefined);
});
