import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/types.ts';
import { formatFieldErrors } from '../../../api/validation/field-errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../../api/validation/object-meta.ts';
import type { ResourceStrategy } from '../strategy.ts';
import { NO_ALLOCATION } from '../define-strategy.ts';
import { builtinStrategies, type BuiltinStrategyDeps } from './index.ts';
import { NO_PRIORITY_CLASSES } from './priority-classes.ts';

const TEST_DEPS: BuiltinStrategyDeps = { serviceAllocator: NO_ALLOCATION, limitRanges: async () => [], priorityClasses: NO_PRIORITY_CLASSES, serviceAccounts: async () => undefined };

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } };

/** A typical object of each kind, as a client would send it. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  '/v1/namespaces': {},
  '/v1/pods': { spec: { containers: [{ name: 'app', image: 'nginx' }] } },
  '/v1/services': { spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
  '/v1/endpoints': { subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] },
  '/v1/configmaps': { data: { a: 'b' } },
  '/v1/secrets': { stringData: { password: 'p' } },
  '/v1/nodes': { spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
  '/v1/events': { involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'Started', type: 'Normal', message: 'ok' },
  '/v1/serviceaccounts': {},
  '/v1/persistentvolumeclaims': { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
  '/v1/persistentvolumes': { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } },
  '/v1/resourcequotas': { spec: { hard: { pods: '10', 'requests.cpu': '2' } } },
  '/v1/limitranges': { spec: { limits: [{ type: 'Container', max: { cpu: '1' }, min: { cpu: '100m' } }] } },
  '/v1/podtemplates': { template },
  '/v1/replicationcontrollers': { spec: { template: { ...template, spec: { ...template.spec, restartPolicy: 'Always' } } } },
  'apps/v1/deployments': { spec: { selector: { matchLabels: { app: 'web' } }, template } },
  'apps/v1/replicasets': { spec: { selector: { matchLabels: { app: 'web' } }, template } },
  'apps/v1/statefulsets': { spec: { serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template } },
  'apps/v1/daemonsets': { spec: { selector: { matchLabels: { app: 'web' } }, template } },
  'apps/v1/controllerrevisions': { data: { spec: { template } }, revision: 1 },
  'batch/v1/jobs': { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } } } },
  'batch/v1/cronjobs': { spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'pi', image: 'perl' }] } } } } } },
  'coordination.k8s.io/v1/leases': { spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } },
  'policy/v1/poddisruptionbudgets': { spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } },
  'autoscaling/v2/horizontalpodautoscalers': { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 } },
  'autoscaling/v1/horizontalpodautoscalers': { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, targetCPUUtilizationPercentage: 50 } },
  'networking.k8s.io/v1/ingresses': {
    spec: { rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Prefix', backend: { service: { name: 'svc1', port: { number: 8080 } } } }] } }] },
  },
  'networking.k8s.io/v1/ingressclasses': { spec: { controller: 'example.com/ingress-controller' } },
  'networking.k8s.io/v1/networkpolicies': { spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 80 }] }] } },
  'scheduling.k8s.io/v1/priorityclasses': { value: 1000, description: 'high' },
  'storage.k8s.io/v1/storageclasses': { provisioner: 'example.com/local' },
  'discovery.k8s.io/v1/endpointslices': { addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] },
  'rbac.authorization.k8s.io/v1/roles': { rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] },
  'rbac.authorization.k8s.io/v1/clusterroles': { rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] },
  'rbac.authorization.k8s.io/v1/rolebindings': { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web' }, subjects: [{ kind: 'User', name: 'jane' }] },
  'rbac.authorization.k8s.io/v1/clusterrolebindings': {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'default' }],
  },
  'apiextensions.k8s.io/v1/customresourcedefinitions': {
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', kind: 'CronTab' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } } }],
    },
  },
};

function sample(s: ResourceStrategy): Record<string, unknown> {
  return SAMPLES[`${s.type.group}/${s.type.version}/${s.type.resource}`]!;
}

/** Create the way the generic store does: server metadata, prepare, defaults, validation. */
function create(s: ResourceStrategy, body: Record<string, unknown>): KubeObject {
  const name = (body['metadata'] as { name?: string } | undefined)?.name ?? 'web';
  const obj: KubeObject = {
    ...structuredClone(body),
    metadata: { name, uid: 'uid-1', creationTimestamp: '2024-05-01T11:00:00Z', generation: 1, ...(s.type.namespaced ? { namespace: 'default' } : {}) },
  };
  s.prepareForCreate(obj);
  s.applyDefaults(obj);
  const errs = [...validateObjectMeta(obj.metadata, { namespaced: s.type.namespaced, nameValidator: s.nameValidator }), ...s.validateCreate(obj)];
  assert.deepEqual(errs, [], formatFieldErrors(s.type.kind, 'web', errs));
  return obj;
}

void test('every built-in resource has exactly one strategy, in discovery order', () => {
  assert.deepEqual(
    builtinStrategies(TEST_DEPS).map((s) => `${s.type.group}/${s.type.version}/${s.type.resource}`),
    Object.keys(SAMPLES),
  );
});

void test('resource type data: short names and the all category', () => {
  const byResource = new Map(builtinStrategies(TEST_DEPS).map((s) => [s.type.resource, s.type]));
  const shortNames = Object.fromEntries([...byResource].map(([r, t]) => [r, t.shortNames.join(',')]));
  assert.deepEqual(shortNames, {
    namespaces: 'ns',
    pods: 'po',
    services: 'svc',
    endpoints: 'ep',
    configmaps: 'cm',
    secrets: '',
    nodes: 'no',
    events: 'ev',
    serviceaccounts: 'sa',
    persistentvolumeclaims: 'pvc',
    persistentvolumes: 'pv',
    resourcequotas: 'quota',
    limitranges: 'limits',
    podtemplates: '',
    replicationcontrollers: 'rc',
    deployments: 'deploy',
    replicasets: 'rs',
    statefulsets: 'sts',
    daemonsets: 'ds',
    controllerrevisions: '',
    jobs: '',
    cronjobs: 'cj',
    leases: '',
    poddisruptionbudgets: 'pdb',
    horizontalpodautoscalers: 'hpa',
    ingresses: 'ing',
    ingressclasses: '',
    networkpolicies: 'netpol',
    priorityclasses: 'pc',
    storageclasses: 'sc',
    endpointslices: '',
    roles: '',
    clusterroles: '',
    rolebindings: '',
    clusterrolebindings: '',
    customresourcedefinitions: 'crd,crds',
  });
  const all = [...byResource].filter(([, t]) => t.categories.includes('all')).map(([r]) => r);
  assert.deepEqual(all.sort(), [
    'cronjobs', 'daemonsets', 'deployments', 'horizontalpodautoscalers', 'jobs', 'pods', 'replicasets', 'replicationcontrollers', 'services', 'statefulsets',
  ]);
});

void test('a typical object of every kind is created, updated unchanged, and printed', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  for (const s of builtinStrategies(TEST_DEPS)) {
    const obj = create(s, sample(s));
    const next = structuredClone(obj);
    s.prepareForUpdate(next, obj);
    s.applyDefaults(next);
    assert.deepEqual([...validateObjectMetaUpdate(next.metadata, obj.metadata), ...s.validateUpdate(next, obj)], [], s.type.resource);
    assert.equal(s.changesGeneration(next, obj), false, s.type.resource);
    assert.deepEqual(next, obj, `${s.type.resource}: a no-op update changes nothing`);
    const row = s.tableRow(obj, now);
    assert.equal(row.length, s.tableColumns.length, s.type.resource);
    for (const [field, get] of Object.entries(s.fieldSelectors)) assert.equal(typeof get(obj), 'string', `${s.type.resource} ${field}`);
  }
});

void test('status subresources: main updates keep the status, status updates take only it', () => {
  for (const s of builtinStrategies(TEST_DEPS).filter((x) => x.hasStatus)) {
    const obj = create(s, sample(s));
    const next = structuredClone(obj);
    next.status = { injected: true };
    s.prepareForUpdate(next, obj);
    assert.deepEqual(next.status, obj.status, s.type.resource);
    const statusWrite = structuredClone(obj);
    statusWrite.status = { injected: true };
    statusWrite.metadata.labels = { changed: 'yes' };
    s.prepareForStatusUpdate(statusWrite, obj);
    assert.deepEqual(statusWrite, { ...obj, status: { injected: true } }, s.type.resource);
  }
});

void test('scale maps spec.replicas, status.replicas and the selector', () => {
  const scalable = builtinStrategies(TEST_DEPS).filter((s) => s.scale !== null).map((s) => s.type.resource);
  assert.deepEqual(scalable, ['replicationcontrollers', 'deployments', 'replicasets', 'statefulsets']);
  for (const s of builtinStrategies(TEST_DEPS).filter((x) => x.scale !== null)) {
    const obj = create(s, sample(s));
    const scale = s.scale!;
    assert.equal(scale.specReplicas(obj), 1);
    assert.equal(scale.statusReplicas(obj), 0);
    assert.equal(scale.selector(obj), 'app=web');
    scale.setSpecReplicas(obj, 4);
    assert.equal(obj.spec.replicas, 4);
    assert.ok(s.changesGeneration(obj, create(s, sample(s))));
  }
});

void test('pods are deleted gracefully only once bound; namespaces wait for their finalizers', () => {
  const strategies = new Map(builtinStrategies(TEST_DEPS).map((s) => [s.type.resource, s]));
  const pods = strategies.get('pods')!;
  const pod = create(pods, sample(pods));
  assert.equal(pods.gracePeriodSeconds(pod, undefined), 0);
  pod.spec.nodeName = 'node-a';
  assert.equal(pods.gracePeriodSeconds(pod, undefined), 30);
  assert.equal(strategies.get('deployments')!.gracePeriodSeconds(pod, 30), 0);
  const namespaces = strategies.get('namespaces')!;
  const ns = create(namespaces, {});
  assert.deepEqual(namespaces.deletionBlockers(ns), ['kubernetes']);
  namespaces.beginDeletion(ns);
  assert.equal(ns.status.phase, 'Terminating');
});

void test('name rules differ by kind', () => {
  const strategies = new Map(builtinStrategies(TEST_DEPS).map((s) => [s.type.resource, s]));
  assert.equal(strategies.get('namespaces')!.nameValidator('a.b', false).length, 1);
  assert.equal(strategies.get('services')!.nameValidator('1svc', false).length, 1);
  assert.equal(strategies.get('statefulsets')!.nameValidator('a.b', false).length, 1);
  assert.deepEqual(strategies.get('configmaps')!.nameValidator('a.b', false), []);
});
