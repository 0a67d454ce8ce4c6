/**
 * The API server with protobuf request bodies, the review kinds, RBAC objects and CronJobs, in
 * process over memory storage: what kubectl's typed clients send, checked at the HTTP level.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { protobufBody, ProtoWriter } from '../../src/api/protobuf/testing/proto-writer.ts';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

const PB = 'application/vnd.kubernetes.protobuf';
const PB_HEADERS = { 'Content-Type': PB, Accept: `${PB},application/json` };

function objectMeta(w: ProtoWriter, name: string): void {
  w.message(1, (m) => m.string(1, name).string(2, '').string(3, '').message(8, () => {}));
}

describe('protobuf bodies, reviews, RBAC and CronJobs over HTTP', () => {
  let t: TestApiServer;
  before(async () => {
    t = await startTestApiServer();
  });
  after(async () => {
    await t.close();
  });

  it('creates a namespace from protobuf and answers in JSON', async () => {
    const raw = new ProtoWriter();
    objectMeta(raw, 'from-proto');
    raw.message(2, () => {}).message(3, () => {});
    const r = await t.request('POST', '/api/v1/namespaces?fieldManager=kubectl-create&fieldValidation=Strict', { body: protobufBody('v1', 'Namespace', raw.finish()), headers: PB_HEADERS });
    assert.equal(r.status, 201, r.text);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.equal(r.json.metadata.name, 'from-proto');
    assert.equal(r.json.status.phase, 'Active');
    assert.equal((await t.request('GET', '/api/v1/namespaces/from-proto', { headers: { Accept: `${PB},application/json` } })).json.kind, 'Namespace');
  });

  it('creates a deployment from protobuf with its replicas and image', async () => {
    const raw = new ProtoWriter();
    objectMeta(raw, 'hello');
    raw.message(2, (spec) => {
      spec.varint(1, 2);
      spec.message(2, (sel) => sel.mapEntry(1, 'app', 'hello'));
      spec.message(3, (tpl) => {
        tpl.message(1, (m) => m.mapEntry(11, 'app', 'hello'));
        tpl.message(2, (pod) => pod.message(2, (c) => c.string(1, 'nginx').string(2, 'nginx:1.27').message(8, () => {})));
      });
      spec.message(4, () => {});
    });
    const r = await t.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: protobufBody('apps/v1', 'Deployment', raw.finish()), headers: PB_HEADERS });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.spec.replicas, 2);
    assert.equal(r.json.spec.template.spec.containers[0].image, 'nginx:1.27');
    assert.equal(r.json.spec.strategy.type, 'RollingUpdate', 'defaults apply as for JSON');
  });

  it('answers 415 for a kind it cannot decode, 400 for malformed bytes and for a kind of another resource', async () => {
    const unsupported = await t.request('POST', '/api/v1/namespaces/default/configmaps', { body: protobufBody('autoscaling/v2', 'HorizontalPodAutoscaler', new Uint8Array(0)), headers: PB_HEADERS });
    assert.equal(unsupported.status, 415, unsupported.text);
    assert.equal(unsupported.json.reason, 'UnsupportedMediaType');
    assert.match(unsupported.json.message, /HorizontalPodAutoscaler \(autoscaling\/v2\).*send this object as application\/json/);

    const malformed = await t.request('POST', '/api/v1/namespaces/default/configmaps', { body: Buffer.from('k8s\0\x0a\xff'), headers: PB_HEADERS });
    assert.equal(malformed.status, 400, malformed.text);
    assert.match(malformed.json.message, /error decoding the object from protobuf/);

    const raw = new ProtoWriter();
    objectMeta(raw, 'cm');
    const wrongKind = await t.request('POST', '/api/v1/namespaces/default/secrets', { body: protobufBody('v1', 'ConfigMap', raw.finish()), headers: PB_HEADERS });
    assert.equal(wrongKind.status, 400, wrongKind.text);
    assert.match(wrongKind.json.message, /kind in the data \(ConfigMap\) does not match the expected kind \(Secret\)/);
  });

  it('deletes with protobuf DeleteOptions, as kubectl drain sends them, honouring dryRun, preconditions and the propagation policy', async () => {
    const create = await t.request('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doomed' } } });
    assert.equal(create.status, 201, create.text);
    const options = (dryRun: boolean, uid: string): Uint8Array => {
      const raw = new ProtoWriter();
      raw.varint(1, 0);
      raw.message(2, (p) => p.string(1, uid));
      raw.string(4, 'Foreground');
      if (dryRun) raw.string(5, 'All');
      return protobufBody('v1', 'DeleteOptions', raw.finish());
    };
    const path = '/api/v1/namespaces/default/configmaps/doomed';
    const both = await t.request('DELETE', path, { body: { kind: 'DeleteOptions', apiVersion: 'v1', orphanDependents: true, propagationPolicy: 'Orphan' } });
    assert.equal(both.status, 400, both.text);
    assert.match(both.json.message, /orphanDependents and propagationPolicy cannot both be set/);
    const wrongUid = await t.request('DELETE', path, { body: options(false, 'not-its-uid'), headers: PB_HEADERS });
    assert.equal(wrongUid.status, 409, wrongUid.text);
    assert.match(wrongUid.json.message, /Precondition failed: UID in precondition: not-its-uid/);
    const dry = await t.request('DELETE', path, { body: options(true, create.json.metadata.uid), headers: PB_HEADERS });
    assert.equal(dry.status, 200, dry.text);
    assert.equal((await t.request('GET', path)).status, 200, 'a dry run deletes nothing');
    const real = await t.request('DELETE', path, { body: options(false, create.json.metadata.uid), headers: PB_HEADERS });
    assert.equal(real.status, 200, real.text);
    // Foreground: the object waits for the garbage collector (none runs here) under its finalizer.
    const deleting = await t.request('GET', path);
    assert.deepEqual(deleting.json.metadata.finalizers, ['foregroundDeletion']);
    assert.ok(deleting.json.metadata.deletionTimestamp);
  });

  it('answers SelfSubjectAccessReviews from the authorizer, honestly', async () => {
    const raw = new ProtoWriter();
    objectMeta(raw, '');
    raw.message(2, (spec) => spec.message(1, (a) => a.string(1, 'default').string(2, 'create').string(5, 'pods')));
    const r = await t.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body: protobufBody('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw.finish()), headers: PB_HEADERS });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.kind, 'SelfSubjectAccessReview');
    assert.deepEqual(r.json.spec, { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } });
    assert.equal(r.json.status.allowed, true, 'the admin is in system:masters');
    const asJane = await t.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      body: { spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } } },
      headers: { 'Impersonate-User': 'jane' },
    });
    assert.equal(asJane.status, 201, asJane.text);
    assert.deepEqual(asJane.json.status, { allowed: false }, 'jane has no binding');

    const empty = await t.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body: { spec: {} } });
    assert.equal(empty.status, 422, empty.text);
    assert.match(empty.json.message, /exactly one of nonResourceAttributes or resourceAttributes must be specified/);

    const sar = await t.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: { spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } } } });
    assert.equal(sar.status, 422, 'a SubjectAccessReview names a user or group');
    const local = await t.request('POST', '/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews', {
      body: { spec: { user: 'jane', resourceAttributes: { namespace: 'other', verb: 'get', resource: 'pods' } } },
    });
    assert.equal(local.status, 422, local.text);
  });

  it('lists the rules of the user and tells who the user is', async () => {
    const rules = await t.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { body: { spec: { namespace: 'default' } } });
    assert.equal(rules.status, 201, rules.text);
    assert.deepEqual(rules.json.status.resourceRules[0], { verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    assert.ok(
      rules.json.status.resourceRules.some((r: { resources: string[] }) => r.resources.includes('selfsubjectaccessreviews')),
      'and what system:basic-user grants every authenticated user',
    );
    assert.equal(rules.json.status.incomplete, false);

    const raw = new ProtoWriter();
    objectMeta(raw, '');
    const whoami = await t.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: protobufBody('authentication.k8s.io/v1', 'SelfSubjectReview', raw.finish()), headers: PB_HEADERS });
    assert.equal(whoami.status, 201, whoami.text);
    assert.deepEqual(whoami.json.status.userInfo, { username: 'test-admin', groups: ['system:masters', 'system:authenticated'] });
  });

  it('serves reviews as create-only resources in discovery, and only create', async () => {
    const doc = await t.request('GET', '/apis/authorization.k8s.io/v1');
    assert.equal(doc.status, 200, doc.text);
    const ssar = doc.json.resources.find((r: { name: string }) => r.name === 'selfsubjectaccessreviews');
    assert.deepEqual(ssar.verbs, ['create']);
    const agg = await t.request('GET', '/apis', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } });
    const groups = agg.json.items.map((g: { metadata: { name: string } }) => g.metadata.name);
    for (const g of ['authorization.k8s.io', 'authentication.k8s.io', 'rbac.authorization.k8s.io']) assert.ok(groups.includes(g), g);
    const get = await t.request('GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    assert.equal(get.status, 405, get.text);
  });

  it('stores RBAC objects, validates them and prints bindings', async () => {
    const role = await t.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', { body: { metadata: { name: 'pod-reader' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] } });
    assert.equal(role.status, 201, role.text);
    const bad = await t.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', { body: { metadata: { name: 'bad' }, rules: [{ resources: ['pods'] }] } });
    assert.equal(bad.status, 422, bad.text);
    assert.match(bad.json.message, /^Role.rbac.authorization.k8s.io "bad" is invalid/);
    const binding = await t.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      body: { metadata: { name: 'read-pods' }, roleRef: { kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'User', name: 'jane' }] },
    });
    assert.equal(binding.status, 201, binding.text);
    assert.equal(binding.json.roleRef.apiGroup, 'rbac.authorization.k8s.io');
    const table = await t.request('GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    assert.deepEqual(table.json.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Role', 'Age', 'Users', 'Groups', 'ServiceAccounts']);
    assert.deepEqual(table.json.rows[0].cells.slice(0, 2), ['read-pods', 'Role/pod-reader']);
    const change = await t.request('PATCH', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/read-pods', {
      body: { roleRef: { name: 'other' } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(change.status, 422, change.text);
    assert.match(change.json.message, /cannot change roleRef/);
  });

  it('stores CronJobs with a validated schedule', async () => {
    const template = { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } };
    const ok = await t.request('POST', '/apis/batch/v1/namespaces/default/cronjobs', { body: { metadata: { name: 'tick' }, spec: { schedule: '@hourly', jobTemplate: template } } });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.spec.concurrencyPolicy, 'Allow');
    const bad = await t.request('POST', '/apis/batch/v1/namespaces/default/cronjobs', { body: { metadata: { name: 'bad' }, spec: { schedule: '* * *', jobTemplate: template } } });
    assert.equal(bad.status, 422, bad.text);
    assert.match(bad.json.message, /spec.schedule: Invalid value: "\* \* \*": expected exactly 5 fields, found 3/);
    const status = await t.request('PATCH', '/apis/batch/v1/namespaces/default/cronjobs/tick/status', {
      body: { status: { lastScheduleTime: '2024-05-01T11:00:00Z' } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(status.status, 200, status.text);
    assert.equal(status.json.status.lastScheduleTime, '2024-05-01T11:00:00Z');
  });
});

describe('service account tokens over HTTP', () => {
  let t: TestApiServer;
  before(async () => {
    t = await startTestApiServer();
  });
  after(async () => {
    await t.close();
  });

  const TOKEN = '/api/v1/namespaces/default/serviceaccounts/robot/token';

  async function whoami(token: string): Promise<{ status: number; json: any }> {
    return t.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: {}, anonymous: true, headers: { Authorization: `Bearer ${token}` } });
  }

  it('issues tokens for existing service accounts that then authenticate as them', async () => {
    assert.equal((await t.request('POST', TOKEN, { body: { spec: {} } })).status, 404, 'no service account yet');
    const sa = await t.request('POST', '/api/v1/namespaces/default/serviceaccounts', { body: { metadata: { name: 'robot' } } });
    assert.equal(sa.status, 201);
    const raw = new ProtoWriter();
    objectMeta(raw, 'robot');
    raw.message(2, () => {});
    const r = await t.request('POST', TOKEN, { body: protobufBody('authentication.k8s.io/v1', 'TokenRequest', raw.finish()), headers: PB_HEADERS });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.spec, { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600 });
    const me = await whoami(r.json.status.token);
    assert.equal(me.status, 201);
    assert.deepEqual(me.json.status.userInfo, {
      username: 'system:serviceaccount:default:robot',
      uid: sa.json.metadata.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    });

    const short = await t.request('POST', TOKEN, { body: { spec: { expirationSeconds: 60 } } });
    assert.equal(short.status, 422, short.text);
    assert.match(short.json.message, /may not specify a duration less than 10 minutes/);

    assert.equal((await t.request('DELETE', '/api/v1/namespaces/default/serviceaccounts/robot')).status, 200);
    assert.equal((await whoami(r.json.status.token)).status, 401, 'deleting the service account revokes its tokens');
  });

  it('binds tokens to pods and secrets', async () => {
    await t.request('POST', '/api/v1/namespaces/default/serviceaccounts', { body: { metadata: { name: 'bound' } } });
    const secret = await t.request('POST', '/api/v1/namespaces/default/secrets', { body: { metadata: { name: 'holder' } } });
    const path = '/api/v1/namespaces/default/serviceaccounts/bound/token';
    const missing = await t.request('POST', path, { body: { spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'nope' } } } });
    assert.equal(missing.status, 400, missing.text);
    const r = await t.request('POST', path, { body: { spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'holder' } } } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.spec.boundObjectRef.uid, secret.json.metadata.uid);
    assert.equal((await whoami(r.json.status.token)).status, 201);
    await t.request('DELETE', '/api/v1/namespaces/default/secrets/holder');
    assert.equal((await whoami(r.json.status.token)).status, 401, 'deleting the bound secret revokes the token');

    // A pod's token must be of the account the pod runs as.
    const pod = await t.request('POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'runs-as-default' }, spec: { containers: [{ name: 'c', image: 'x' }] } } });
    assert.equal(pod.status, 201, pod.text);
    const other = await t.request('POST', path, { body: { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'runs-as-default' } } } });
    assert.equal(other.status, 400, other.text);
    assert.equal(other.json.message, 'cannot bind token for serviceaccount "bound" to pod running with different serviceaccount name.');
    await t.request('POST', '/api/v1/namespaces/default/serviceaccounts', { body: { metadata: { name: 'default' } } });
    const own = await t.request('POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { body: { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'runs-as-default' } } } });
    assert.equal(own.status, 201, own.text);
  });

  it('lists serviceaccounts/token in discovery', async () => {
    const doc = await t.request('GET', '/api/v1');
    const token = doc.json.resources.find((r: { name: string }) => r.name === 'serviceaccounts/token');
    assert.deepEqual(token, { name: 'serviceaccounts/token', singularName: '', namespaced: true, kind: 'TokenRequest', verbs: ['create'], group: 'authentication.k8s.io', version: 'v1' });
  });
});
