import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rbacAuthorizer } from './rbac-authorizer.ts';
import { policyOf } from './rbac-policy.ts';
import { binding, pathRequest, resourceRequest, role } from './testing.ts';

const jane = { name: 'jane', groups: ['devs', 'system:authenticated'] };
const robot = { name: 'system:serviceaccount:web:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:web', 'system:authenticated'] };
const readPods = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] };

const policy = policyOf({
  clusterRoles: [role('pod-reader', undefined, [readPods]), role('discovery', undefined, [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }])],
  roles: [role('config-writer', 'web', [{ verbs: ['create', 'update'], apiGroups: [''], resources: ['configmaps'] }])],
  clusterRoleBindings: [
    binding('discovery', undefined, { kind: 'ClusterRole', name: 'discovery' }, [{ kind: 'Group', name: 'system:authenticated' }]),
    binding('ghost', undefined, { kind: 'ClusterRole', name: 'missing' }, [{ kind: 'User', name: 'jane' }]),
  ],
  roleBindings: [
    binding('devs-read-pods', 'web', { kind: 'ClusterRole', name: 'pod-reader' }, [{ kind: 'Group', name: 'devs' }]),
    binding('robot-writes', 'web', { kind: 'Role', name: 'config-writer' }, [{ kind: 'ServiceAccount', name: 'robot' }]),
    binding('elsewhere', 'other', { kind: 'Role', name: 'config-writer' }, [{ kind: 'ServiceAccount', name: 'robot', namespace: 'web' }]),
  ],
});
const authorizer = rbacAuthorizer(() => policy);

describe('RBAC authorizer', () => {
  it('allows through a RoleBinding of a ClusterRole, in that namespace only, and says which', async () => {
    const allowed = await authorizer.authorize(resourceRequest(jane, 'list', 'pods', { namespace: 'web' }));
    assert.deepEqual(allowed, { decision: 'allow', reason: 'RBAC: allowed by RoleBinding "devs-read-pods/web" of ClusterRole "pod-reader" to Group "devs"' });
    assert.equal((await authorizer.authorize(resourceRequest(jane, 'list', 'pods', { namespace: 'kube-system' }))).decision, 'no-opinion');
    assert.equal((await authorizer.authorize(resourceRequest(jane, 'list', 'pods'))).decision, 'no-opinion', 'all namespaces needs a cluster binding');
    assert.equal((await authorizer.authorize(resourceRequest(jane, 'delete', 'pods', { namespace: 'web', name: 'p' }))).decision, 'no-opinion');
  });

  it('binds service accounts by namespace, defaulting to the binding namespace', async () => {
    const d = await authorizer.authorize(resourceRequest(robot, 'create', 'configmaps', { namespace: 'web' }));
    assert.deepEqual(d, { decision: 'allow', reason: 'RBAC: allowed by RoleBinding "robot-writes/web" of Role "config-writer" to ServiceAccount "web/robot"' });
    // In namespace "other" the binding names the role "config-writer" of "other", which does not exist.
    assert.equal((await authorizer.authorize(resourceRequest(robot, 'create', 'configmaps', { namespace: 'other' }))).decision, 'no-opinion');
    const impostor = { name: 'system:serviceaccount:other:robot', groups: ['system:authenticated'] };
    assert.equal((await authorizer.authorize(resourceRequest(impostor, 'create', 'configmaps', { namespace: 'web' }))).decision, 'no-opinion');
  });

  it('grants non-resource URLs through cluster bindings', async () => {
    assert.equal((await authorizer.authorize(pathRequest(robot, 'get', '/api/v1'))).decision, 'allow');
    assert.equal((await authorizer.authorize(pathRequest(robot, 'get', '/metrics'))).decision, 'no-opinion');
  });

  it('lists the rules a user holds in a namespace, and roles it could not find', async () => {
    const rules = await authorizer.rulesFor(jane, 'web');
    assert.deepEqual(rules.resourceRules, [{ verbs: readPods.verbs, apiGroups: readPods.apiGroups, resources: readPods.resources, resourceNames: [] }]);
    assert.deepEqual(rules.nonResourceRules, [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }]);
    assert.equal(rules.incomplete, false);
    assert.equal(rules.evaluationError, 'clusterrole.rbac.authorization.k8s.io "missing" not found');
    assert.deepEqual((await authorizer.rulesFor(robot, 'other')).evaluationError, 'role.rbac.authorization.k8s.io "config-writer" not found in namespace "other"');
  });
});
