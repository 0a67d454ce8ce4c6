import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldErrors } from '../../validation/field-errors.ts';
import { pathSegmentNameErrors } from './rbac-types.ts';
import { validateClusterRole, validateRole } from './role.ts';
import {
  defaultRoleBinding,
  roleBindingTableRow,
  validateClusterRoleBinding,
  validateRoleBinding,
  validateRoleBindingUpdate,
} from './role-binding.ts';

function obj(body: Record<string, unknown>): KubeObject {
  return { metadata: { name: 'x', creationTimestamp: '2024-05-01T11:00:00Z' }, ...body };
}

const text = (kind: string, o: KubeObject, errs: ReturnType<typeof validateRole>): string => formatFieldErrors(kind, 'x', errs);

describe('Role and ClusterRole rules', () => {
  it('accept resource rules and, for cluster roles, non-resource URLs', () => {
    assert.deepEqual(validateRole(obj({ rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }] })), []);
    assert.deepEqual(validateClusterRole(obj({ rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/metrics/*'] }] })), []);
    assert.deepEqual(validateRole(obj({})), [], 'a role without rules grants nothing and is valid');
  });

  it('require verbs, API groups and resources', () => {
    const o = obj({ rules: [{ resources: ['pods'] }] });
    assert.equal(
      text('Role.rbac.authorization.k8s.io', o, validateRole(o)),
      'Role.rbac.authorization.k8s.io "x" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[0].apiGroups: Required value: resource rules must supply at least one api group]',
    );
  });

  it('refuse non-resource URLs in roles and mixed rules', () => {
    const o = obj({ rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'], resources: ['pods'] }] });
    const msgs = validateRole(o).map((e) => e.detail);
    assert.deepEqual(msgs, ['namespaced rules cannot apply to non-resource URLs', 'rules cannot apply to both regular resources and non-resource URLs']);
  });

  it('require selectors in an aggregation rule', () => {
    assert.match(text('ClusterRole', obj({}), validateClusterRole(obj({ aggregationRule: {} }))), /aggregationRule.clusterRoleSelectors: Required value/);
    assert.deepEqual(validateClusterRole(obj({ aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } })), []);
  });

  it('names are path segments', () => {
    assert.deepEqual(pathSegmentNameErrors('system:controller:job-controller'), []);
    assert.deepEqual(pathSegmentNameErrors('..'), ["may not be '..'"]);
    assert.deepEqual(pathSegmentNameErrors('a/b%'), ["may not contain '/'", "may not contain '%'"]);
  });
});

describe('RoleBinding and ClusterRoleBinding', () => {
  const ref = (kind: string, name = 'view') => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });

  it('default the API group of users, groups and the role reference', () => {
    const o = obj({ roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'sa' }] });
    defaultRoleBinding(o);
    assert.deepEqual(o.subjects, [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'sa' }]);
    assert.deepEqual(o.roleRef, ref('Role', 'r'));
    assert.deepEqual(validateRoleBinding(o), []);
  });

  it('check the role reference kind per binding kind', () => {
    assert.deepEqual(validateRoleBinding(obj({ roleRef: ref('ClusterRole') })), []);
    const crb = obj({ roleRef: ref('Role') });
    assert.match(text('ClusterRoleBinding', crb, validateClusterRoleBinding(crb)), /roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"/);
    const missing = obj({});
    assert.match(text('RoleBinding', missing, validateRoleBinding(missing)), /roleRef: Required value/);
    const badGroup = obj({ roleRef: { apiGroup: 'example.com', kind: 'Role', name: 'r' } });
    assert.match(text('RoleBinding', badGroup, validateRoleBinding(badGroup)), /roleRef.apiGroup: Unsupported value: "example.com"/);
  });

  it('check subjects', () => {
    const o = obj({
      roleRef: ref('ClusterRole'),
      subjects: [{ kind: 'Robot', name: 'r2' }, { kind: 'ServiceAccount', name: 'Bad_Name', apiGroup: 'x' }, { kind: 'User', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    const fields = validateClusterRoleBinding(o).map((e) => `${e.field} ${e.type}`);
    assert.deepEqual(fields, [
      'subjects[0].kind FieldValueNotSupported',
      'subjects[1].name FieldValueInvalid',
      'subjects[1].apiGroup FieldValueNotSupported',
      'subjects[1].namespace FieldValueRequired',
      'subjects[2].name FieldValueRequired',
    ]);
  });

  it('never change the role reference', () => {
    const old = obj({ roleRef: ref('ClusterRole', 'view') });
    const next = obj({ roleRef: ref('ClusterRole', 'edit') });
    assert.match(text('RoleBinding', next, validateRoleBindingUpdate(next, old)), /roleRef: Invalid value: .*cannot change roleRef/);
    assert.deepEqual(validateRoleBindingUpdate(old, old), []);
  });

  it('print ROLE and, wide, USERS GROUPS SERVICEACCOUNTS', () => {
    const o = obj({
      roleRef: ref('ClusterRole', 'view'),
      subjects: [
        { kind: 'User', name: 'jane' },
        { kind: 'User', name: 'joe' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', name: 'robot', namespace: 'ci' },
      ],
    });
    assert.deepEqual(roleBindingTableRow(o, new Date('2024-05-01T12:00:00Z')), ['ClusterRole/view', '60m', 'jane, joe', 'devs', 'ci:robot']);
  });
});
