/**
 * The disruption controller keeps the status of every PodDisruptionBudget current: for the pods
 * its selector matches in its namespace, how many are expected and healthy, how many must stay
 * healthy, and so how many evictions the pods/eviction subresource may still accept
 * (`disruptionsAllowed`), with the DisruptionAllowed condition. The arithmetic is in
 * budget-status.ts. The scale of the pods' controllers (needed for percentages and
 * maxUnavailable) comes from the ReplicaSet, Deployment and StatefulSet caches: a pod of a
 * ReplicaSet that a Deployment controls counts the Deployment's replicas.
 *
 * Wakes on budget changes, on changes of the pods a budget selects, and on changes of the
 * workloads in a budget's namespace (their scale); looks again when an entry of
 * `disruptedPods` expires.
 */
import { deploymentType } from '../../api/apps/v1/deployment.ts';
import { replicaSetType } from '../../api/apps/v1/replicaset.ts';
import { statefulSetType } from '../../api/apps/v1/statefulset.ts';
import { podType } from '../../api/core/v1/pod.ts';
import { isObject } from '../../api/meta/shape.ts';
import type { KubeObject, OwnerReference } from '../../api/meta/types.ts';
import { budgetSelects } from '../../api/policy/v1/eviction.ts';
import { podDisruptionBudgetType } from '../../api/policy/v1/pod-disruption-budget.ts';
import type { Informer, Logger, ResourceClient } from '../../client/index.ts';
import { isNotFound, NAMESPACE_INDEX, objectKey } from '../../client/index.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import { controllerRef } from '../common/owner-refs.ts';
import { writeStatusIfChanged } from '../common/status-writer.ts';
import { computeBudgetStatus, type ScaleOfPod } from './budget-status.ts';

function replicas(obj: KubeObject): number {
  const spec = isObject(obj.spec) ? obj.spec : {};
  return typeof spec.replicas === 'number' ? spec.replicas : 1;
}

/** The object of `informer` that `ref` names in `namespace`, if it is cached with that uid. */
function referenced(informer: Informer<KubeObject>, namespace: string, ref: OwnerReference | undefined, kind: string): KubeObject | undefined {
  if (ref === undefined || ref.kind !== kind || !ref.apiVersion.startsWith('apps/')) return undefined;
  const obj = informer.store.get(`${namespace}/${ref.name}`);
  return obj?.metadata.uid === ref.uid ? obj : undefined;
}

/** Reconciles one PodDisruptionBudget by key; see the file comment. */
export class DisruptionReconciler implements Reconciler {
  readonly #budgets: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #replicaSets: Informer<KubeObject>;
  readonly #deployments: Informer<KubeObject>;
  readonly #statefulSets: Informer<KubeObject>;
  readonly #client: ResourceClient;
  readonly #ctx: ControllerContext;
  readonly #logger: Logger;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#logger = ctx.logger;
    this.#budgets = ctx.informers.informerFor(podDisruptionBudgetType);
    this.#pods = ctx.informers.informerFor(podType);
    this.#replicaSets = ctx.informers.informerFor(replicaSetType);
    this.#deployments = ctx.informers.informerFor(deploymentType);
    this.#statefulSets = ctx.informers.informerFor(statefulSetType);
    this.#client = ctx.clientset.resource(podDisruptionBudgetType);
  }

  /** The controller whose replicas the pod counts toward: its Deployment, ReplicaSet or StatefulSet. */
  readonly #scaleOf: ScaleOfPod = (pod) => {
    const namespace = pod.metadata.namespace ?? '';
    const ref = controllerRef(pod);
    const rs = referenced(this.#replicaSets, namespace, ref, 'ReplicaSet');
    if (rs !== undefined) {
      const deployment = referenced(this.#deployments, namespace, controllerRef(rs), 'Deployment');
      if (deployment !== undefined) return { uid: deployment.metadata.uid ?? '', scale: replicas(deployment) };
      // A ReplicaSet of a Deployment the cache does not show yet has no scale of its own to count.
      if (controllerRef(rs)?.kind === 'Deployment') return undefined;
      return { uid: rs.metadata.uid ?? '', scale: replicas(rs) };
    }
    const set = referenced(this.#statefulSets, namespace, ref, 'StatefulSet');
    return set === undefined ? undefined : { uid: set.metadata.uid ?? '', scale: replicas(set) };
  };

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const pdb = this.#budgets.store.get(key);
    if (pdb === undefined || pdb.metadata.deletionTimestamp !== undefined) return {};
    const pods = this.#pods.store.byIndex(NAMESPACE_INDEX, pdb.metadata.namespace ?? '').filter((p) => budgetSelects(pdb, p));
    const now = this.#ctx.clock.wallNow();
    const result = computeBudgetStatus(pdb, pods, this.#scaleOf, now);
    if (result.failure !== undefined) this.#logger.info('cannot compute the disruptions a budget allows', { budget: key, reason: result.failure });
    try {
      await writeStatusIfChanged(this.#client, pdb, result.status, signal);
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
    return result.recheckAt === undefined ? {} : { requeueAfterMs: Math.max(0, result.recheckAt - now.getTime()) };
  }
}

/** The keys of the budgets in the object's namespace that select it (a pod). */
function budgetsOfPod(pod: KubeObject, ctx: ControllerContext): string[] {
  return ctx.informers
    .informerFor(podDisruptionBudgetType)
    .store.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')
    .filter((pdb) => budgetSelects(pdb, pod))
    .map((pdb) => objectKey(pdb));
}

/** Every budget of the object's namespace (a workload whose scale may count toward them). */
function budgetsOfNamespace(obj: KubeObject, ctx: ControllerContext): string[] {
  return ctx.informers
    .informerFor(podDisruptionBudgetType)
    .store.byIndex(NAMESPACE_INDEX, obj.metadata.namespace ?? '')
    .map((pdb) => objectKey(pdb));
}

/** The disruption controller, as the runner and the registry see it. */
export const disruptionController: ControllerDescriptor = {
  name: 'disruption-controller',
  aliases: ['disruption'],
  primary: podDisruptionBudgetType,
  watches: [
    { type: podType, mapTo: budgetsOfPod },
    { type: replicaSetType, mapTo: budgetsOfNamespace },
    { type: deploymentType, mapTo: budgetsOfNamespace },
    { type: statefulSetType, mapTo: budgetsOfNamespace },
  ],
  workers: 2,
  // A pod whose labels stop matching a budget wakes only the budgets it matches now.
  resyncPeriodMs: 30_000,
  create: (ctx) => new DisruptionReconciler(ctx),
};
