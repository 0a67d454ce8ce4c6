import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta/types.ts';
import type { PolicyRule } from '../../api/rbac/v1/policy-rule.ts';
import { clusterRoleType } from '../../api/rbac/v1/rbac-types.ts';
import type { FakeApi } from '../../client/testing/fake-api.ts';
import { startControllers, type ControllerHarness } from '../testing/harness.ts';
import { clusterRoleAggregationController } from './clusterrole-aggregation-controller.ts';

const label = (to: string): Record<string, string> => ({ [`rbac.authorization.k8s.io/aggregate-to-${to}`]: 'true' });
const read = (resource: string): PolicyRule => ({ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: [resource] });

const R_VIEW = read('pods');
const R_EDIT = { verbs: ['create'], apiGroups: [''], resources: ['pods'] };
const R_ADMIN = { verbs: ['create'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] };
const R_WIDGETS = { verbs: ['get'], apiGroups: ['example.com'], resources: ['widgets'] };

function role(name: string, rules: readonly PolicyRule[], labels: Record<string, string> = {}, aggregateTo?: string): KubeObject {
  return {
    metadata: { name, labels },
    rules: [...rules],
    ...(aggregateTo === undefined ? {} : { aggregationRule: { clusterRoleSelectors: [{ matchLabels: label(aggregateTo) }] } }),
  };
}

/** admin ⊇ edit ⊇ view, each with the rules of its system:aggregate-to role, as a cluster starts. */
function seedChain(api: FakeApi): void {
  api.put(clusterRoleType, role('admin', [], {}, 'admin'));
  api.put(clusterRoleType, role('edit', [], label('admin'), 'edit'));
  api.put(clusterRoleType, role('view', [], label('edit'), 'view'));
  api.put(clusterRoleType, role('system:aggregate-to-admin', [R_ADMIN], label('admin')));
  api.put(clusterRoleType, role('system:aggregate-to-edit', [R_EDIT], label('edit')));
  api.put(clusterRoleType, role('system:aggregate-to-view', [R_VIEW], label('view')));
}

const rulesOf = (h: ControllerHarness, name: string): unknown => h.api.get(clusterRoleType, undefined, name)?.rules;

async function untilRules(h: ControllerHarness, expected: Record<string, readonly PolicyRule[]>): Promise<void> {
  await h.until(() => Object.entries(expected).every(([name, rules]) => JSON.stringify(rulesOf(h, name)) === JSON.stringify(rules)), JSON.stringify(expected));
}

/** Runs `test` with the controller over a FakeApi serving ClusterRoles, seeded by `seed`. */
async function withController(seed: (api: FakeApi) => void, test: (h: ControllerHarness) => Promise<void>): Promise<void> {
  const h = await startControllers([clusterRoleAggregationController], { types: [{ type: clusterRoleType }], seed });
  try {
    await test(h);
  } finally {
    await h.stop();
  }
}

const updates = (h: ControllerHarness): number => h.api.requests.filter((r) => r.method === 'PUT' && r.url.includes('/clusterroles/')).length;

/** A role aggregating the tiers a and b by expression, and one role of each tier a, b and c. */
function seedTiers(api: FakeApi): void {
  api.put(clusterRoleType, { metadata: { name: 'tiers' }, aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }] } });
  api.put(clusterRoleType, role('b-role', [read('services')], { tier: 'b' }));
  api.put(clusterRoleType, role('a-role', [read('pods')], { tier: 'a' }));
  api.put(clusterRoleType, role('c-role', [read('secrets')], { tier: 'c' }));
}

/** The chain with every aggregated role's rules already the union. */
function seedAggregatedChain(api: FakeApi): void {
  seedChain(api);
  api.put(clusterRoleType, role('view', [R_VIEW], label('edit'), 'view'));
  api.put(clusterRoleType, role('edit', [R_EDIT, R_VIEW], label('admin'), 'edit'));
  api.put(clusterRoleType, role('admin', [R_EDIT, R_VIEW, R_ADMIN], {}, 'admin'));
}

describe('clusterrole aggregation controller', () => {
  it('fills admin, edit and view along the chain, and a role labelled aggregate-to-view reaches all three', () =>
    withController(seedChain, async (h) => {
      // Sources in name order: edit's are system:aggregate-to-edit, then view.
      await untilRules(h, { view: [R_VIEW], edit: [R_EDIT, R_VIEW], admin: [R_EDIT, R_VIEW, R_ADMIN] });
      h.api.put(clusterRoleType, role('widgets-viewer', [R_WIDGETS, R_VIEW], label('view')));
      await untilRules(h, { view: [R_VIEW, R_WIDGETS], edit: [R_EDIT, R_VIEW, R_WIDGETS], admin: [R_EDIT, R_VIEW, R_WIDGETS, R_ADMIN] });

      h.api.put(clusterRoleType, role('widgets-viewer', [R_WIDGETS]));
      await untilRules(h, { view: [R_VIEW], edit: [R_EDIT, R_VIEW], admin: [R_EDIT, R_VIEW, R_ADMIN] });

      h.api.put(clusterRoleType, role('widgets-viewer', [R_WIDGETS], label('view')));
      await untilRules(h, { admin: [R_EDIT, R_VIEW, R_WIDGETS, R_ADMIN] });
      h.api.delete(clusterRoleType, undefined, 'widgets-viewer');
      await untilRules(h, { view: [R_VIEW], edit: [R_EDIT, R_VIEW], admin: [R_EDIT, R_VIEW, R_ADMIN] });
      assert.deepEqual(rulesOf(h, 'system:aggregate-to-view'), [R_VIEW], 'roles without an aggregationRule are left alone');
      assert.ok(updates(h) > 0);
    }));

  it('selects with matchExpressions too', () =>
    withController(seedTiers, async (h) => {
      await untilRules(h, { tiers: [read('pods'), read('services')] });
    }));

  it('writes nothing when the stored rules are already the union', () =>
    withController(seedAggregatedChain, async (h) => {
      await h.quiesce();
      assert.equal(updates(h), 0);
      h.api.put(clusterRoleType, role('unrelated', [R_WIDGETS], { team: 'a' }));
      h.api.put(clusterRoleType, role('system:aggregate-to-view', [R_VIEW], { ...label('view'), note: 'relabelled' }));
      await h.quiesce();
      assert.equal(updates(h), 0, 'changes that leave every union as it is write nothing');
    }));
});
