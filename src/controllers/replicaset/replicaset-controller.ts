/**
 * The ReplicaSet controller keeps `spec.replicas` pods running for each ReplicaSet; the
 * ReplicationController controller is the same reconciler over core/v1 ReplicationControllers,
 * whose selector is a plain label map (ReplicatedKind says how each kind is read). Each pod
 * created or deleted is an Event about the ReplicaSet (pod-control.ts), from
 * `replicaset-controller` (`replication-controller` for ReplicationControllers), as upstream.
 *
 * One reconcile of a ReplicaSet:
 *   1. claims the active pods of its namespace (controlled and matching the selector; orphans
 *      that match are adopted, controlled pods that stopped matching are released);
 *   2. if the pod cache has caught up with this controller's earlier writes for the ReplicaSet
 *      (WriteExpectations), creates or deletes pods to reach `spec.replicas`: creations in
 *      batches of 1, 2, 4, … that stop at the first failure (so a quota or admission error costs
 *      one request, not hundreds), at most BURST_REPLICAS per reconcile; deletions of the pods
 *      ranked cheapest to lose (pod-ranking.ts);
 *   3. writes the status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
 *      observedGeneration, and a ReplicaFailure condition while creating or deleting fails).
 * Step 2 is skipped while the cache lags: a new leader after a failover starts from a fresh,
 * consistent list, and within one term the expectations keep it from counting pods it has
 * created but not yet seen — so the ReplicaSet never gets extra pods.
 */
import { replicaSetType } from '../../api/apps/v1/replicaset.ts';
import { podType } from '../../api/core/v1/pod.ts';
import { replicationControllerType } from '../../api/core/v1/replication-controller.ts';
import { apiVersionOf, type ResourceType } from '../../api/resource-type.ts';
import { isObject } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { isNotFound, NAMESPACE_INDEX, objectKey } from '../../client/index.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import type { Condition } from '../common/conditions.ts';
import { findCondition, removeCondition, setCondition } from '../common/conditions.ts';
import { errorMessage } from '../common/errors.ts';
import { eventRef } from '../common/event-reference.ts';
import { WriteExpectations } from '../common/expectations.ts';
import { CONTROLLER_UID_INDEX, ensureIndex } from '../common/indexes.ts';
import { claim, controllerRef } from '../common/owner-refs.ts';
import { PodControl } from '../common/pod-control.ts';
import { rankForDeletion } from '../common/pod-ranking.ts';
import { isPodActive, isPodAvailable, isPodReady, msUntilAvailable } from '../common/pod-state.ts';
import { podFromTemplate, templateParts } from '../common/pod-template.ts';
import { slowStartBatch } from '../common/slow-start.ts';
import { hasLabels, selectorMatcher } from '../common/selectors.ts';
import { writeStatusIfChanged } from '../common/status-writer.ts';

/** Most pods created or deleted in one reconcile (upstream's burstReplicas). */
export const BURST_REPLICAS = 500;

function desiredReplicas(rs: KubeObject): number {
  return isObject(rs.spec) && typeof rs.spec.replicas === 'number' ? rs.spec.replicas : 1;
}

function minReadySeconds(rs: KubeObject): number {
  return isObject(rs.spec) && typeof rs.spec.minReadySeconds === 'number' ? rs.spec.minReadySeconds : 0;
}

/** A kind of replicated pods: its type and how its label selector reads. */
export interface ReplicatedKind {
  readonly type: ResourceType;
  /** The Events' source, as upstream names it. */
  readonly component: string;
  /** The selector as a metav1.LabelSelector. */
  selector(obj: KubeObject): unknown;
}

const REPLICA_SETS: ReplicatedKind = { type: replicaSetType, component: 'replicaset-controller', selector: (rs) => rs.spec?.selector };
/** A ReplicationController's selector is a label map: equality requirements only. */
const REPLICATION_CONTROLLERS: ReplicatedKind = {
  type: replicationControllerType,
  component: 'replication-controller',
  selector: (rc) => (isObject(rc.spec) && isObject(rc.spec.selector) ? { matchLabels: rc.spec.selector } : null),
};

/** Reconciles one ReplicaSet (or ReplicationController) by key; see the file comment. */
export class ReplicaSetReconciler implements Reconciler {
  readonly #ctx: ControllerContext;
  readonly #kind: ReplicatedKind;
  readonly #replicaSets: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #rsClient: ResourceClient;
  readonly #podClient: ResourceClient;
  readonly #podControl: PodControl;
  readonly #expectations = new WriteExpectations();

  constructor(ctx: ControllerContext, kind: ReplicatedKind = REPLICA_SETS) {
    this.#ctx = ctx;
    this.#kind = kind;
    this.#replicaSets = ctx.informers.informerFor(kind.type);
    this.#pods = ctx.informers.informerFor(podType);
    ensureIndex(this.#pods, CONTROLLER_UID_INDEX);
    this.#rsClient = ctx.clientset.resource(kind.type);
    this.#podClient = ctx.clientset.resource(podType);
    this.#podControl = new PodControl(this.#podClient, ctx.events.newRecorder(kind.component));
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const rs = this.#replicaSets.store.get(key);
    if (rs === undefined) {
      this.#expectations.forget(key);
      return {};
    }
    const caughtUp = this.#expectations.satisfied(key);
    const matches = selectorMatcher(this.#kind.selector(rs));
    const candidates = this.#pods.store.byIndex(NAMESPACE_INDEX, rs.metadata.namespace ?? '').filter(isPodActive);
    // Claiming writes pods too; while the cache lags those writes, claim only what is ours already.
    const pods = caughtUp
      ? await claim(candidates, {
          owner: rs,
          ownerType: this.#kind.type,
          matches,
          client: this.#podClient,
          getFreshOwner: () => this.#rsClient.get(rs.metadata.name ?? '', { namespace: rs.metadata.namespace, signal }),
          onWrite: (rv) => this.#expectations.expect(key, this.#pods, rv),
          signal,
        }).catch((err: unknown) => {
          if (isNotFound(err)) return [];
          throw err;
        })
      : candidates.filter((p) => controllerRef(p)?.uid === rs.metadata.uid && matches(p));

    let failure: { reason: string; message: string } | undefined;
    if (caughtUp && rs.metadata.deletionTimestamp === undefined) failure = await this.#manageReplicas(key, rs, pods, signal);

    const now = this.#ctx.clock.wallNow();
    const status = this.#status(rs, pods, failure, now);
    await writeStatusIfChanged(this.#rsClient, rs, status, signal);
    if (failure !== undefined) throw new Error(`${this.#kind.type.kind} ${key}: ${failure.message}`);
    const mrs = minReadySeconds(rs);
    if (mrs > 0) {
      const waits = pods.map((p) => msUntilAvailable(p, mrs, now)).filter((ms): ms is number => ms !== undefined && ms > 0);
      if (waits.length > 0) return { requeueAfterMs: Math.min(...waits) + 100 };
    }
    return {};
  }

  /** Creates or deletes pods toward spec.replicas; returns what failed, if anything. */
  async #manageReplicas(key: string, rs: KubeObject, pods: KubeObject[], signal: AbortSignal): Promise<{ reason: string; message: string } | undefined> {
    const diff = pods.length - desiredReplicas(rs);
    const owner = eventRef(rs, this.#kind.type);
    if (diff < 0) {
      const want = Math.min(-diff, BURST_REPLICAS);
      const { error } = await slowStartBatch(want, async () => {
        const pod = podFromTemplate(rs.spec?.template, rs, this.#kind.type, { generateName: `${rs.metadata.name}-` });
        const created = await this.#podControl.create(owner, pod, signal);
        this.#expectations.expect(key, this.#pods, created.metadata.resourceVersion);
      });
      if (error !== undefined) return { reason: 'FailedCreate', message: `failed to create pods: ${errorMessage(error)}` };
    } else if (diff > 0) {
      const victims = rankForDeletion(pods).slice(0, Math.min(diff, BURST_REPLICAS));
      const results = await Promise.allSettled(
        victims.map(async (pod) => {
          const gone = await this.#podControl.delete(owner, pod, signal);
          if (gone !== undefined) this.#expectations.expect(key, this.#pods, gone.metadata.resourceVersion);
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) return { reason: 'FailedDelete', message: `failed to delete pods: ${errorMessage(failed.reason)}` };
    }
    return undefined;
  }

  #status(rs: KubeObject, pods: readonly KubeObject[], failure: { reason: string; message: string } | undefined, now: Date): Record<string, unknown> {
    const templateLabels = templateParts(rs.spec?.template).metadata.labels as Record<string, string> | undefined;
    const mrs = minReadySeconds(rs);
    const previous = isObject(rs.status) ? (rs.status.conditions as Condition[] | undefined) : undefined;
    // A failure already reported keeps its first text, as upstream: a message that changes with
    // every retry (a generated pod name) would rewrite the status, and that write would wake the
    // ReplicaSet at once, past the retry backoff.
    let conditions: Condition[];
    if (failure === undefined) conditions = removeCondition(previous, 'ReplicaFailure');
    else if (findCondition(previous, 'ReplicaFailure') !== undefined) conditions = [...(previous ?? [])];
    else conditions = setCondition(previous, { type: 'ReplicaFailure', status: 'True', reason: failure.reason, message: failure.message }, now);
    return {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => hasLabels(p.metadata.labels, templateLabels)).length,
      readyReplicas: pods.filter(isPodReady).length,
      availableReplicas: pods.filter((p) => isPodAvailable(p, mrs, now)).length,
      observedGeneration: rs.metadata.generation ?? 0,
      ...(conditions.length > 0 ? { conditions } : {}),
    };
  }
}

/**
 * Pods wake their controlling ReplicaSet (ReplicationController); a pod without a controller
 * wakes every one of its namespace that selects it, which may adopt it.
 */
function ownersOfPod(kind: ReplicatedKind): (pod: KubeObject, ctx: ControllerContext) => string[] {
  const apiVersion = apiVersionOf(kind.type);
  return (pod, ctx) => {
    const ref = controllerRef(pod);
    if (ref !== undefined) {
      return ref.kind === kind.type.kind && ref.apiVersion === apiVersion ? [objectKey({ metadata: { namespace: pod.metadata.namespace, name: ref.name } })] : [];
    }
    return ctx.informers
      .informerFor(kind.type)
      .store.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')
      .filter((owner) => selectorMatcher(kind.selector(owner))(pod))
      .map((owner) => objectKey(owner));
  };
}

/** The ReplicaSet controller, as the runner and the registry see it. */
export const replicaSetController: ControllerDescriptor = {
  name: 'replicaset-controller',
  aliases: ['replicaset'],
  primary: replicaSetType,
  watches: [{ type: podType, mapTo: ownersOfPod(REPLICA_SETS) }],
  workers: 5,
  create: (ctx) => new ReplicaSetReconciler(ctx),
};

/** The ReplicationController controller: the ReplicaSet reconciler over ReplicationControllers. */
export const replicationControllerController: ControllerDescriptor = {
  name: 'replicationcontroller-controller',
  aliases: ['replicationcontroller'],
  primary: replicationControllerType,
  watches: [{ type: podType, mapTo: ownersOfPod(REPLICATION_CONTROLLERS) }],
  workers: 5,
  create: (ctx) => new ReplicaSetReconciler(ctx, REPLICATION_CONTROLLERS),
};
