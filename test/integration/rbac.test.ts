/**
 * RBAC enforced over HTTP: users without a binding are refused with upstream's 403, bindings
 * grant exactly their roles' rules where they apply (impersonated users, and a service
 * account's bearer token), and nobody grants what they do not hold (escalation prevention),
 * unless allowed to `bind` or `escalate`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApiServer, type Response, type TestApiServer } from '../support/test-apiserver.ts';

const RBAC = '/apis/rbac.authorization.k8s.io/v1';

function as(user: string, groups: string[] = []): Record<string, string> {
  // Node joins repeated headers of one name; the apiserver reads each group from its own line.
  return { 'Impersonate-User': user, ...(groups.length === 0 ? {} : { 'Impersonate-Group': groups.join(', ') }) };
}

describe('RBAC over HTTP', () => {
  let t: TestApiServer;
  before(async () => {
    t = await startTestApiServer();
    for (const ns of ['web', 'other']) assert.equal((await t.request('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } })).status, 201);
  });
  after(async () => {
    await t.close();
  });

  /** The authorizer reads its watch caches: a grant is seen within milliseconds, not at once. */
  async function eventually(check: () => Promise<Response>, status: number): Promise<Response> {
    let r = await check();
    for (let i = 0; i < 100 && r.status !== status; i++) {
      await sleep(20);
      r = await check();
    }
    assert.equal(r.status, status, r.text);
    return r;
  }

  const create = async (path: string, body: object): Promise<void> => {
    const r = await t.request('POST', path, { body });
    assert.equal(r.status, 201, r.text);
  };

  it('refuses a user without a binding with upstream 403, and allows what a RoleBinding grants, in its namespace only', async () => {
    const denied = await t.request('GET', '/api/v1/namespaces/web/pods', { headers: as('jane') });
    assert.equal(denied.status, 403, denied.text);
    assert.equal(denied.json.reason, 'Forbidden');
    assert.equal(denied.json.message, 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "web"');

    await create(`${RBAC}/namespaces/web/roles`, { metadata: { name: 'pod-reader' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] });
    await create(`${RBAC}/namespaces/web/rolebindings`, {
      metadata: { name: 'jane-reads' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane' }],
    });
    await eventually(() => t.request('GET', '/api/v1/namespaces/web/pods', { headers: as('jane') }), 200);
    assert.equal((await t.request('GET', '/api/v1/namespaces/other/pods', { headers: as('jane') })).status, 403);
    assert.equal((await t.request('GET', '/api/v1/pods', { headers: as('jane') })).status, 403, 'all namespaces needs a ClusterRoleBinding');
    assert.equal((await t.request('POST', '/api/v1/namespaces/web/pods', { headers: as('jane'), body: { metadata: { name: 'p' } } })).status, 403);

    const review = await t.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: { spec: { user: 'jane', resourceAttributes: { namespace: 'web', verb: 'list', resource: 'pods' } } },
    });
    assert.equal(review.status, 201, review.text);
    assert.deepEqual(review.json.status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "jane-reads/web" of Role "pod-reader" to User "jane"' });
  });

  it('authorizes a service account token by its bindings', async () => {
    await create('/api/v1/namespaces/web/serviceaccounts', { metadata: { name: 'robot' } });
    const issued = await t.request('POST', '/api/v1/namespaces/web/serviceaccounts/robot/token', { body: { spec: {} } });
    assert.equal(issued.status, 201, issued.text);
    const bearer = { Authorization: `Bearer ${issued.json.status.token}` };
    const list = () => t.request('GET', '/api/v1/namespaces/web/configmaps', { anonymous: true, headers: bearer });
    assert.equal((await list()).status, 403);
    await create(`${RBAC}/clusterroles`, { metadata: { name: 'configmap-reader' }, rules: [{ verbs: ['list'], apiGroups: [''], resources: ['configmaps'] }] });
    await create(`${RBAC}/namespaces/web/rolebindings`, {
      metadata: { name: 'robot-reads' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'configmap-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'web' }],
    });
    await eventually(list, 200);
    assert.equal((await t.request('GET', '/api/v1/namespaces/other/configmaps', { anonymous: true, headers: bearer })).status, 403);
  });

  it('refuses to let a user grant permissions they do not hold, unless they may bind or escalate', async () => {
    await create(`${RBAC}/clusterroles`, {
      metadata: { name: 'role-manager' },
      rules: [
        { verbs: ['create', 'update', 'patch'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'] },
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'] },
      ],
    });
    await create(`${RBAC}/namespaces/web/rolebindings`, {
      metadata: { name: 'bob-manages' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'role-manager' },
      subjects: [{ kind: 'User', name: 'bob' }],
    });
    const asBob = as('bob');
    const roleOf = (name: string, verbs: string[]) => ({ metadata: { name }, rules: [{ verbs, apiGroups: [''], resources: ['secrets'] }] });
    await eventually(() => t.request('POST', `${RBAC}/namespaces/web/roles`, { headers: asBob, body: roleOf('secret-reader', ['get']) }), 201);

    const escalating = await t.request('POST', `${RBAC}/namespaces/web/roles`, { headers: asBob, body: roleOf('secret-deleter', ['get', 'delete']) });
    assert.equal(escalating.status, 403, escalating.text);
    assert.equal(
      escalating.json.message,
      'roles.rbac.authorization.k8s.io "secret-deleter" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["delete"]}',
    );
    const widened = await t.request('PUT', `${RBAC}/namespaces/web/roles/secret-reader`, { headers: asBob, body: roleOf('secret-reader', ['*']) });
    assert.equal(widened.status, 403, 'an update may not widen a role either');
    assert.equal((await t.request('POST', `${RBAC}/namespaces/other/roles`, { headers: asBob, body: roleOf('x', ['get']) })).status, 403, 'bob holds nothing in "other"');

    const bindAdmin = (name: string) => ({
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin-like' },
      subjects: [{ kind: 'User', name: 'bob' }],
    });
    await create(`${RBAC}/clusterroles`, { metadata: { name: 'cluster-admin-like' }, rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] });
    const selfPromotion = await t.request('POST', `${RBAC}/namespaces/web/rolebindings`, { headers: asBob, body: bindAdmin('promote') });
    assert.equal(selfPromotion.status, 403, selfPromotion.text);
    assert.match(selfPromotion.json.message, /^rolebindings\.rbac\.authorization\.k8s\.io "promote" is forbidden: user "bob" .* not currently held/);
    const readerBinding = await t.request('POST', `${RBAC}/namespaces/web/rolebindings`, {
      headers: asBob,
      body: { metadata: { name: 'reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-reader' }, subjects: [{ kind: 'User', name: 'carol' }] },
    });
    assert.equal(readerBinding.status, 201, `a role bob holds he may bind: ${readerBinding.text}`);

    // With `bind` on that one cluster role, bob may bind it without holding it.
    await create(`${RBAC}/clusterroles`, { metadata: { name: 'binder' }, rules: [{ verbs: ['bind'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['cluster-admin-like'] }] });
    await create(`${RBAC}/namespaces/web/rolebindings`, {
      metadata: { name: 'bob-binds' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'binder' },
      subjects: [{ kind: 'User', name: 'bob' }],
    });
    await eventually(() => t.request('POST', `${RBAC}/namespaces/web/rolebindings`, { headers: asBob, body: bindAdmin('granted') }), 201);
    // With `escalate` on roles, bob may write rules he does not hold into a role.
    await create(`${RBAC}/clusterroles`, { metadata: { name: 'escalator' }, rules: [{ verbs: ['create', 'escalate'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] }] });
    await create(`${RBAC}/namespaces/other/rolebindings`, {
      metadata: { name: 'bob-escalates' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'escalator' },
      subjects: [{ kind: 'User', name: 'bob' }],
    });
    // (bob now holds `*` in "web" through "granted", so this is tried in "other", where he holds no secrets rule.)
    await eventually(() => t.request('POST', `${RBAC}/namespaces/other/roles`, { headers: asBob, body: roleOf('y', ['get', 'delete']) }), 201);
  });

  it('lets only holders of every permission write an aggregation rule', async () => {
    await create(`${RBAC}/clusterroles`, { metadata: { name: 'clusterrole-writer' }, rules: [{ verbs: ['create'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'] }] });
    await create(`${RBAC}/clusterrolebindings`, {
      metadata: { name: 'dave-writes-clusterroles' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'clusterrole-writer' },
      subjects: [{ kind: 'User', name: 'dave' }],
    });
    const aggregated = { metadata: { name: 'gather-all' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { any: 'thing' } }] } };
    const r = await eventually(() => t.request('POST', `${RBAC}/clusterroles`, { headers: as('dave'), body: aggregated }), 403);
    assert.match(r.json.message, /"gather-all" is forbidden: must have cluster-admin privileges to use the aggregationRule/);
  });

  it('lets members of system:masters do anything', async () => {
    const r = await t.request('GET', '/api/v1/namespaces/kube-system/secrets', { headers: as('root-like', ['system:masters']) });
    assert.equal(r.status, 200, r.text);
  });
});
