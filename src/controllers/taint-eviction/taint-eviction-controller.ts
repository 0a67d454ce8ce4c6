/**
 * The taint eviction controller evicts pods from nodes with NoExecute taints once the pods'
 * tolerations run out (upstream's NoExecuteTaintManager).
 *
 * For each pod on a node (not finished, not already being deleted), per NoExecute taint:
 *   - no toleration matches → the pod goes at once;
 *   - matching tolerations → it may stay for the shortest of their `tolerationSeconds`,
 *     counted from the taint's `timeAdded` (or from when this controller first saw the taint);
 *     a matching toleration without tolerationSeconds lets it stay for good.
 * The earliest deadline over the node's taints is the pod's; the reconcile deletes the pods
 * that are due and asks to be woken for the next. Pods that tolerate neither `not-ready` nor
 * `unreachable` (the apiserver gives every new pod 30 s for both) stay
 * `--pod-eviction-timeout` before they go for those two taints. Evicted pods are marked with a
 * DisruptionTarget condition, then deleted with their normal grace period, and get upstream's
 * `TaintManagerEviction` Event "Marking for deletion Pod <namespace>/<name>".
 */
import { nodeType } from '../../api/core/v1/node.ts';
import { podType } from '../../api/core/v1/pod.ts';
import { TAINT_NOT_READY, TAINT_UNREACHABLE, nodeTaints, podTolerations, tolerationsFor, type Taint } from '../../api/core/v1/taints.ts';
import { isObject, objects, str } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { EventRecorder, Informer, ResourceClient } from '../../client/index.ts';
import { isConflict, isNotFound } from '../../client/index.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import { eventRef } from '../common/event-reference.ts';
import { ensureIndex, NODE_NAME_INDEX } from '../common/indexes.ts';
import { isPodActive } from '../common/pod-state.ts';
import { formatTime, parseTime } from '../common/time.ts';

/**
 * When `pod` must leave a node with `taints` (ms since the epoch; Infinity: never), given when
 * each taint appeared and the fallback toleration for not-ready/unreachable.
 */
export function evictionDeadline(pod: KubeObject, taints: readonly Taint[], addedAt: (t: Taint) => number, fallbackMs: number): number {
  const tolerations = podTolerations(pod);
  let deadline = Infinity;
  for (const taint of taints) {
    const matching = tolerationsFor(tolerations, taint);
    let allowedMs: number;
    if (matching.length === 0) allowedMs = taint.key === TAINT_NOT_READY || taint.key === TAINT_UNREACHABLE ? fallbackMs : 0;
    else if (matching.some((t) => typeof t.tolerationSeconds !== 'number')) allowedMs = Infinity;
    else allowedMs = Math.max(0, Math.min(...matching.map((t) => t.tolerationSeconds as number))) * 1000;
    deadline = Math.min(deadline, addedAt(taint) + allowedMs);
  }
  return deadline;
}

/** Reconciles the pods of one node by name; see the file comment. */
export class TaintEvictionReconciler implements Reconciler {
  readonly #ctx: ControllerContext;
  readonly #nodes: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #podClient: ResourceClient;
  readonly #events: EventRecorder;
  /** When a taint without timeAdded was first seen, by `node/key`. */
  readonly #firstSeen = new Map<string, number>();
  /**
   * The pods of each node whose eviction was told in an Event, so that a second look before
   * the cache shows the deletion tells nothing again (pruned to the node's active pods).
   */
  readonly #told = new Map<string, Set<string>>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#nodes = ctx.informers.informerFor(nodeType);
    this.#pods = ctx.informers.informerFor(podType);
    ensureIndex(this.#pods, NODE_NAME_INDEX);
    this.#podClient = ctx.clientset.resource(podType);
    this.#events = ctx.events.newRecorder('taint-eviction-controller');
  }

  async reconcile(name: string, signal: AbortSignal): Promise<ReconcileResult> {
    const node = this.#nodes.store.get(name);
    const taints = node === undefined ? [] : nodeTaints(node).filter((t) => t.effect === 'NoExecute');
    for (const key of [...this.#firstSeen.keys()]) if (key.startsWith(`${name}/`) && !taints.some((t) => key === `${name}/${t.key}`)) this.#firstSeen.delete(key);
    if (taints.length === 0) {
      this.#told.delete(name);
      return {};
    }
    const now = this.#ctx.clock.wallNow().getTime();
    const addedAt = (t: Taint): number => {
      const added = parseTime(t.timeAdded);
      if (added !== undefined) return added;
      const key = `${name}/${t.key}`;
      if (!this.#firstSeen.has(key)) this.#firstSeen.set(key, now);
      return this.#firstSeen.get(key)!;
    };
    let next = Infinity;
    const due: KubeObject[] = [];
    const active = this.#pods.store.byIndex(NODE_NAME_INDEX, name).filter(isPodActive);
    const before = this.#told.get(name);
    const told = new Set(active.map((p) => p.metadata.uid ?? '').filter((uid) => before?.has(uid) === true));
    this.#told.set(name, told);
    for (const pod of active) {
      const deadline = evictionDeadline(pod, taints, addedAt, this.#ctx.settings.podEvictionTimeoutMs);
      if (deadline <= now) due.push(pod);
      else next = Math.min(next, deadline);
    }
    await Promise.all(due.map((pod) => this.#evict(pod, name, told, signal)));
    return next === Infinity ? {} : { requeueAfterMs: next - now + 100 };
  }

  /** Marks and deletes `pod`; tells it in an Event unless `told` says that was done. */
  async #evict(pod: KubeObject, nodeName: string, told: Set<string>, signal: AbortSignal): Promise<void> {
    const namespace = pod.metadata.namespace;
    if (!told.has(pod.metadata.uid ?? '')) {
      told.add(pod.metadata.uid ?? '');
      this.#events.event(eventRef(pod, podType), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${namespace}/${pod.metadata.name}`);
    }
    const conditions = [
      ...objects(isObject(pod.status) ? pod.status.conditions : undefined).filter((c) => c.type !== 'DisruptionTarget'),
      { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: formatTime(this.#ctx.clock.wallNow()) },
    ];
    try {
      await this.#podClient.updateStatus({ ...pod, status: { ...pod.status, conditions } }, { signal });
    } catch (err) {
      // The condition only explains the eviction; a pod that changed meanwhile is evicted all the same.
      if (!isConflict(err) && !isNotFound(err)) throw err;
    }
    try {
      await this.#podClient.delete(pod.metadata.name ?? '', { namespace, preconditions: { uid: pod.metadata.uid }, signal });
      this.#ctx.logger.info('evicted a pod from a NoExecute-tainted node', { node: nodeName, namespace, pod: pod.metadata.name });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
}

/** The taint eviction controller, as the runner and the registry see it. */
export const taintEvictionController: ControllerDescriptor = {
  name: 'taint-eviction-controller',
  primary: nodeType,
  watches: [{ type: podType, mapTo: (pod) => (isObject(pod.spec) && str(pod.spec.nodeName) !== '' ? [str(pod.spec.nodeName)] : []) }],
  workers: 2,
  create: (ctx) => new TaintEvictionReconciler(ctx),
};
