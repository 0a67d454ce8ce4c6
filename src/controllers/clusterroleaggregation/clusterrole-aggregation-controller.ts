/**
 * The ClusterRole aggregation controller keeps the rules of every ClusterRole with an
 * `aggregationRule` equal to the union of the rules of the ClusterRoles its selectors pick
 * (aggregated-rules.ts), so that labelling a role `rbac.authorization.k8s.io/aggregate-to-view:
 * "true"` extends `view` (and, through view's own label, `edit` and `admin`). It writes only
 * when the union differs from the stored rules.
 *
 * Every ClusterRole change wakes the role itself and the aggregated roles whose selectors
 * match its labels before and after the change, so a chain of aggregations (view → edit →
 * admin) settles one write per level. Roles that aggregate each other keep rules that only the
 * cycle itself still holds, as upstream's do.
 */
import { asArray } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { clusterRoleType } from '../../api/rbac/v1/rbac-types.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { isNotFound } from '../../client/index.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import { aggregatedRules, aggregates, clusterRoleSelectors } from './aggregated-rules.ts';

/** Reconciles one ClusterRole by name; see the file comment. */
export class ClusterRoleAggregationReconciler implements Reconciler {
  readonly #roles: Informer<KubeObject>;
  readonly #client: ResourceClient;

  constructor(ctx: ControllerContext) {
    this.#roles = ctx.informers.informerFor(clusterRoleType);
    this.#client = ctx.clientset.resource(clusterRoleType);
  }

  async reconcile(name: string, signal: AbortSignal): Promise<ReconcileResult> {
    const role = this.#roles.store.get(name);
    if (role === undefined || clusterRoleSelectors(role) === undefined) return {};
    const rules = aggregatedRules(role, this.#roles.store.list());
    if (deepEqual(asArray(role.rules), rules)) return {};
    try {
      // Names the cached resourceVersion: a role changed meanwhile is looked at again (409, retry).
      await this.#client.update({ ...role, rules }, { signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return {};
  }
}

/** The aggregated roles in the cache that take the rules of `role`. */
function aggregatorsOf(role: KubeObject, ctx: ControllerContext): string[] {
  return ctx.informers
    .informerFor(clusterRoleType)
    .store.list()
    .filter((aggregator) => aggregates(aggregator, role))
    .map((aggregator) => aggregator.metadata.name ?? '');
}

/** The ClusterRole aggregation controller, as the runner and the registry see it (upstream's names). */
export const clusterRoleAggregationController: ControllerDescriptor = {
  name: 'clusterrole-aggregation-controller',
  aliases: ['clusterrole-aggregation'],
  primary: clusterRoleType,
  watches: [{ type: clusterRoleType, mapTo: aggregatorsOf }],
  create: (ctx) => new ClusterRoleAggregationReconciler(ctx),
};
