/**
 * The default RBAC policy on a running cluster: the apiserver puts it in place at start-up and
 * the controller manager's aggregation controller fills admin, edit and view, also with the
 * rules of a cluster's own role labelled aggregate-to-view.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { subjectAccessReviewType } from '../../src/api/authorization/v1/reviews.ts';
import { namespaceType } from '../../src/api/core/v1/namespace.ts';
import { clusterRoleBindingType, clusterRoleType, roleBindingType } from '../../src/api/rbac/v1/rbac-types.ts';
import { waitFor } from '../../src/client/testing/wait-for.ts';
import { useControllerCluster } from '../support/controller-cluster.ts';

const WIDGETS = { verbs: ['get'], apiGroups: ['example.com'], resources: ['widgets'] };

function grants(role: KubeObject | undefined, resource: string, verb: string): boolean {
  return ((role?.rules ?? []) as { verbs: string[]; resources?: string[] }[]).some((r) => r.verbs.includes(verb) && (r.resources ?? []).includes(resource));
}

describe('the default RBAC policy', () => {
  const cluster = useControllerCluster('rbac');

  it('is in place, and the aggregated roles are filled along admin ⊇ edit ⊇ view', async () => {
    const roles = cluster().client.resource(clusterRoleType);
    const binding = await cluster().client.resource(clusterRoleBindingType).get('cluster-admin');
    assert.deepEqual(binding.subjects, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }]);
    await waitFor(async () => {
      const [view, edit, admin] = await Promise.all(['view', 'edit', 'admin'].map((n) => roles.get(n)));
      return grants(view, 'pods', 'get') && !grants(view, 'secrets', 'get') && grants(edit, 'pods', 'get') && grants(edit, 'secrets', 'get') && grants(admin, 'roles', 'create') && grants(admin, 'pods', 'get');
    }, 'admin, edit and view aggregated');

    await roles.create({ metadata: { name: 'widgets-viewer', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }, rules: [WIDGETS] });
    await waitFor(async () => (await Promise.all(['view', 'edit', 'admin'].map((n) => roles.get(n)))).every((r) => grants(r, 'widgets', 'get')), 'the custom rule in view, edit and admin');
  });

  it('lets an editor of a namespace do there what kubectl users do: drain, exec, logs, scale, but not read RBAC', async () => {
    const client = cluster().client;
    await client.resource(namespaceType).create({ metadata: { name: 'team' } });
    await client.resource(roleBindingType).create({
      metadata: { name: 'jane-edits', namespace: 'team' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane' }],
    });
    const may = async (verb: string, resource: string, subresource = '', group = ''): Promise<boolean> => {
      const review = await client.resource(subjectAccessReviewType).create({
        metadata: {},
        spec: { user: 'jane', groups: ['system:authenticated'], resourceAttributes: { namespace: 'team', verb, group, resource, subresource } },
      });
      return (review.status as { allowed: boolean }).allowed;
    };
    await waitFor(() => may('create', 'pods', 'eviction'), 'edit to evict pods (kubectl drain)');
    for (const [verb, resource, subresource, group] of [
      ['create', 'pods', 'exec', ''],
      ['get', 'pods', 'log', ''],
      ['patch', 'deployments', 'scale', 'apps'],
      ['delete', 'secrets', '', ''],
    ] as const) {
      assert.equal(await may(verb, resource, subresource, group), true, `${verb} ${resource}/${subresource}`);
    }
    assert.equal(await may('list', 'rolebindings', '', 'rbac.authorization.k8s.io'), false, 'roles and bindings are for admin');
  });
});
