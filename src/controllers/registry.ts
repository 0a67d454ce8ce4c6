/**
 * Every controller k8ts has, in one explicit list, and the `--controllers` selection syntax
 * of kube-controller-manager: `*` for all, a name to enable one, `-name` to disable one.
 */
import { clusterRoleAggregationController } from './clusterroleaggregation/clusterrole-aggregation-controller.ts';
import type { ControllerDescriptor } from './controller.ts';
import { cronJobController } from './cronjob/cronjob-controller.ts';
import { daemonSetController } from './daemonset/daemonset-controller.ts';
import { deploymentController } from './deployment/deployment-controller.ts';
import { disruptionController } from './disruption/disruption-controller.ts';
import { endpointsController } from './endpoints/endpoints-controller.ts';
import { endpointSliceController } from './endpointslice/endpointslice-controller.ts';
import { garbageCollector } from './garbagecollector/garbage-collector.ts';
import { jobController } from './job/job-controller.ts';
import { namespaceController } from './namespace/namespace-controller.ts';
import { nodeLifecycleController } from './nodelifecycle/node-lifecycle-controller.ts';
import { replicaSetController, replicationControllerController } from './replicaset/replicaset-controller.ts';
import { resourceQuotaController } from './resourcequota/resourcequota-controller.ts';
import { rootCaCertPublisherController } from './rootcacertpublisher/root-ca-cert-publisher.ts';
import { serviceAccountController } from './serviceaccount/serviceaccount-controller.ts';
import { statefulSetController } from './statefulset/statefulset-controller.ts';
import { taintEvictionController } from './taint-eviction/taint-eviction-controller.ts';

/** Every controller, in start order. */
export const CONTROLLERS: readonly ControllerDescriptor[] = [
  namespaceController,
  garbageCollector,
  serviceAccountController,
  rootCaCertPublisherController,
  clusterRoleAggregationController,
  replicaSetController,
  replicationControllerController,
  deploymentController,
  statefulSetController,
  daemonSetController,
  jobController,
  cronJobController,
  disruptionController,
  endpointsController,
  endpointSliceController,
  nodeLifecycleController,
  taintEvictionController,
  resourceQuotaController,
];

/**
 * The controllers a `--controllers` list selects, in registry order. Names and aliases both
 * work (`replicaset-controller` or `replicaset`).
 * @param selection e.g. `['*']`, `['*', '-namespace-controller']`, `['namespace-controller']`
 * @throws Error naming an unknown controller
 */
export function selectControllers(selection: readonly string[], registry: readonly ControllerDescriptor[] = CONTROLLERS): ControllerDescriptor[] {
  const byName = new Map<string, ControllerDescriptor>();
  for (const c of registry) for (const n of [c.name, ...(c.aliases ?? [])]) byName.set(n, c);
  const enabled = new Set<ControllerDescriptor>();
  const disabled = new Set<ControllerDescriptor>();
  let all = false;
  for (const item of selection) {
    const name = item.startsWith('-') ? item.slice(1) : item;
    if (name === '*') {
      all = true;
      continue;
    }
    const c = byName.get(name);
    if (c === undefined) throw new Error(`Cannot select controller "${name}": known controllers are ${registry.map((r) => r.name).join(', ')}`);
    (item.startsWith('-') ? disabled : enabled).add(c);
  }
  return registry.filter((c) => !disabled.has(c) && (all || enabled.has(c)));
}
