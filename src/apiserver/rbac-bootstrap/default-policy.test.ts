import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta/types.ts';
import { labelSelectorMatches } from '../../api/labels/index.ts';
import { validateFields } from '../handlers/field-validation.ts';
import { OpenApiCatalog } from '../openapi-catalog.ts';
import { clusterRoleBindingStrategy, clusterRoleStrategy } from '../registry/resources/rbac.ts';
import { DEFAULT_CLUSTER_ROLE_BINDINGS, DEFAULT_CLUSTER_ROLES } from './default-policy.ts';
import { AUTOUPDATE_ANNOTATION, BOOTSTRAPPING_LABEL } from './policy-builders.ts';

const role = (name: string): KubeObject => {
  const found = DEFAULT_CLUSTER_ROLES.find((r) => r.metadata.name === name);
  assert.ok(found, name);
  return found;
};

/** The roles an aggregated role's selectors pick out of the defaults. */
function aggregatedFrom(aggregated: KubeObject): string[] {
  const selectors = (aggregated.aggregationRule as { clusterRoleSelectors: Parameters<typeof labelSelectorMatches>[0][] }).clusterRoleSelectors;
  return DEFAULT_CLUSTER_ROLES.filter((r) => r !== aggregated && selectors.some((s) => labelSelectorMatches(s, r.metadata.labels))).map((r) => r.metadata.name ?? '');
}

describe('the default RBAC policy', () => {
  it('passes the stored kinds validation and strict field validation', () => {
    const catalog = new OpenApiCatalog();
    for (const [objects, strategy] of [[DEFAULT_CLUSTER_ROLES, clusterRoleStrategy], [DEFAULT_CLUSTER_ROLE_BINDINGS, clusterRoleBindingStrategy]] as const) {
      for (const obj of objects) {
        const name = obj.metadata.name ?? '';
        assert.deepEqual(strategy.nameValidator(name, false), [], name);
        assert.deepEqual(strategy.validateCreate(structuredClone(obj)), [], name);
        assert.deepEqual(validateFields('Strict', structuredClone(obj), [], catalog, { group: strategy.type.group, version: 'v1', kind: strategy.type.kind }), [], name);
      }
    }
  });

  it('marks every object as a bootstrapped default that start-up may update, and names each once', () => {
    const all = [...DEFAULT_CLUSTER_ROLES, ...DEFAULT_CLUSTER_ROLE_BINDINGS];
    for (const obj of all) {
      assert.equal(obj.metadata.labels?.[BOOTSTRAPPING_LABEL], 'rbac-defaults', obj.metadata.name);
      assert.equal(obj.metadata.annotations?.[AUTOUPDATE_ANNOTATION], 'true', obj.metadata.name);
    }
    for (const objects of [DEFAULT_CLUSTER_ROLES, DEFAULT_CLUSTER_ROLE_BINDINGS]) {
      const names = objects.map((o) => o.metadata.name);
      assert.equal(new Set(names).size, names.length);
    }
  });

  it('binds only default roles', () => {
    for (const binding of DEFAULT_CLUSTER_ROLE_BINDINGS) role((binding.roleRef as { name: string }).name);
    const subjects = (name: string): string[] => (DEFAULT_CLUSTER_ROLE_BINDINGS.find((b) => b.metadata.name === name)?.subjects as { kind: string; name: string }[]).map((s) => `${s.kind}/${s.name}`);
    assert.deepEqual(subjects('cluster-admin'), ['Group/system:masters']);
    assert.deepEqual(subjects('system:public-info-viewer'), ['Group/system:authenticated', 'Group/system:unauthenticated']);
    assert.deepEqual(subjects('system:node-proxier'), ['Group/system:nodes', 'User/system:kube-proxy']);
  });

  it('chains the aggregated roles: admin takes edit, edit takes view, each takes its system:aggregate-to role', () => {
    assert.deepEqual(aggregatedFrom(role('view')), ['system:aggregate-to-view']);
    assert.deepEqual(aggregatedFrom(role('edit')), ['view', 'system:aggregate-to-edit']);
    assert.deepEqual(aggregatedFrom(role('admin')), ['edit', 'system:aggregate-to-admin']);
    for (const name of ['admin', 'edit', 'view']) assert.deepEqual(role(name).rules, [], `${name} leaves its rules to the aggregation controller`);
  });

  it('keeps secrets out of view and endpoint writes out of edit', () => {
    const resources = (name: string, verb: string): string[] =>
      (role(name).rules as { verbs: string[]; resources?: string[] }[]).filter((r) => r.verbs.includes(verb)).flatMap((r) => r.resources ?? []);
    assert.ok(!resources('system:aggregate-to-view', 'get').includes('secrets'));
    assert.ok(resources('system:aggregate-to-edit', 'get').includes('secrets'));
    assert.ok(!resources('system:aggregate-to-edit', 'update').some((r) => r === 'endpoints' || r === 'endpointslices'));
  });
});
