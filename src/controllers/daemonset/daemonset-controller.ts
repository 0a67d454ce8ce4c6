/**
 * The DaemonSet controller runs one pod of each DaemonSet on every node that should run it.
 *
 * A node should run the pod when the template's nodeSelector and required node affinity allow
 * it and the pod tolerates the node's NoSchedule and NoExecute taints; a pod already there may
 * stay as long as it tolerates the NoExecute ones. Daemon pods tolerate, besides their own
 * tolerations, what every daemon must survive (upstream's defaults): not-ready and unreachable
 * (NoExecute, for good), disk-, memory- and pid-pressure and unschedulable (NoSchedule), and
 * network-unavailable for host-network pods.
 *
 * Pods are pinned to their node by a required node affinity on `metadata.name` (the scheduler
 * binds them, as upstream since 1.12), named `<ds>-<random>`, and labelled with the template's
 * `controller-revision-hash` (a ControllerRevision per template, for `kubectl rollout
 * history|undo`) and `pod-template-generation`.
 *
 * One reconcile: create the missing pods, delete pods on nodes that should not run them,
 * duplicates (the oldest stays) and failed pods (replaced next time); then RollingUpdate
 * replaces old-revision pods — with maxSurge 0, by deleting them while fewer than maxUnavailable
 * nodes lack an available pod (unavailable old pods go at once); with maxSurge, by starting the
 * new pod first on up to maxSurge nodes and deleting the old one once the new one is available.
 * OnDelete leaves old pods until someone deletes them. Then the status.
 *
 * Events (from `daemonset-controller`): each pod created or deleted (pod-control.ts), and a
 * `FailedDaemonPod` Warning for each failed pod it replaces, as upstream.
 */
import { controllerRevisionType } from '../../api/apps/v1/controller-revision.ts';
import { daemonSetType } from '../../api/apps/v1/daemonset.ts';
import { affinityNodeName, podFitsNode } from '../../api/core/v1/node-affinity.ts';
import { nodeType } from '../../api/core/v1/node.ts';
import { podType } from '../../api/core/v1/pod.ts';
import {
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  nodeTaints,
  tolerationsFor,
  type Toleration,
} from '../../api/core/v1/taints.ts';
import { isObject, objects, str } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { EventRecorder, Informer, ResourceClient } from '../../client/index.ts';
import { objectKey } from '../../client/index.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import { CONTROLLER_REVISION_HASH_LABEL, pruneRevisions, RevisionCollisionError, revisionsOf, updateRevision, type RevisionDeps } from '../common/controller-revisions.ts';
import { eventRef } from '../common/event-reference.ts';
import { WriteExpectations } from '../common/expectations.ts';
import { CONTROLLER_UID_INDEX, ensureIndex } from '../common/indexes.ts';
import { resolveIntOrPercent } from '../common/int-or-percent.ts';
import { isPodAvailable, isPodReady, isPodTerminating, msUntilAvailable, podPhase } from '../common/pod-state.ts';
import { PodControl } from '../common/pod-control.ts';
import { podFromTemplate } from '../common/pod-template.ts';
import { parseTime } from '../common/time.ts';
import { writeStatusIfChanged } from '../common/status-writer.ts';

export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/** The tolerations every daemon pod gets on top of its own. */
export function daemonTolerations(podSpec: Record<string, any>): Toleration[] {
  const own = objects(podSpec.tolerations) as Toleration[];
  const extra: Toleration[] = [
    { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute' },
    { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
    { key: TAINT_DISK_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
    { key: TAINT_MEMORY_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
    { key: TAINT_PID_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
    { key: TAINT_UNSCHEDULABLE, operator: 'Exists', effect: 'NoSchedule' },
    ...(podSpec.hostNetwork === true ? [{ key: TAINT_NETWORK_UNAVAILABLE, operator: 'Exists' as const, effect: 'NoSchedule' as const }] : []),
  ];
  return [...own, ...extra.filter((t) => !own.some((o) => o.key === t.key && o.effect === t.effect))];
}

/** Whether the node should run the daemon pod, and whether a pod already there may stay. */
export function nodeVerdict(ds: KubeObject, node: KubeObject): { shouldRun: boolean; mayStay: boolean } {
  const podSpec = isObject(ds.spec?.template?.spec) ? ds.spec.template.spec : {};
  if (!podFitsNode(podSpec, node)) return { shouldRun: false, mayStay: false };
  const tolerations = daemonTolerations(podSpec);
  const untolerated = nodeTaints(node).filter((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && tolerationsFor(tolerations, t).length === 0);
  return { shouldRun: untolerated.length === 0, mayStay: !untolerated.some((t) => t.effect === 'NoExecute') };
}

/** The node a daemon pod belongs to: where it is bound, or where its affinity pins it. */
function nodeOfPod(pod: KubeObject): string {
  return str(pod.spec?.nodeName) || (affinityNodeName(pod.spec) ?? '');
}

/** Reconciles one DaemonSet by key; see the file comment. */
export class DaemonSetReconciler implements Reconciler {
  readonly #ctx: ControllerContext;
  readonly #sets: Informer<KubeObject>;
  readonly #nodes: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #revisions: Informer<KubeObject>;
  readonly #client: ResourceClient;
  readonly #revisionClient: ResourceClient;
  readonly #events: EventRecorder;
  readonly #podControl: PodControl;
  readonly #expectations = new WriteExpectations();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#events = ctx.events.newRecorder('daemonset-controller');
    this.#sets = ctx.informers.informerFor(daemonSetType);
    this.#nodes = ctx.informers.informerFor(nodeType);
    this.#pods = ctx.informers.informerFor(podType);
    this.#revisions = ctx.informers.informerFor(controllerRevisionType);
    ensureIndex(this.#pods, CONTROLLER_UID_INDEX);
    ensureIndex(this.#revisions, CONTROLLER_UID_INDEX);
    this.#client = ctx.clientset.resource(daemonSetType);
    this.#podControl = new PodControl(ctx.clientset.resource(podType), this.#events);
    this.#revisionClient = ctx.clientset.resource(controllerRevisionType);
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const ds = this.#sets.store.get(key);
    if (ds === undefined) {
      this.#expectations.forget(key);
      return {};
    }
    if (!this.#expectations.satisfied(key)) return {};
    const deps: RevisionDeps = { ownerType: daemonSetType, informer: this.#revisions, client: this.#revisionClient, onWrite: (rv) => this.#expectations.expect(key, this.#revisions, rv), signal };
    let revision: KubeObject;
    try {
      revision = await updateRevision(ds, revisionsOf(ds, this.#revisions), deps);
    } catch (err) {
      if (err instanceof RevisionCollisionError) await writeStatusIfChanged(this.#client, ds, { ...ds.status, collisionCount: err.next }, signal);
      throw err;
    }
    const hash = revision.metadata.name?.slice((ds.metadata.name ?? '').length + 1) ?? '';
    const now = this.#ctx.clock.wallNow();
    const minReady = typeof ds.spec?.minReadySeconds === 'number' ? ds.spec.minReadySeconds : 0;
    const isNew = (p: KubeObject): boolean => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
    const available = (p: KubeObject): boolean => podPhase(p) === 'Running' && !isPodTerminating(p) && isPodAvailable(p, minReady, now);

    const owned = this.#pods.store.byIndex(CONTROLLER_UID_INDEX, ds.metadata.uid ?? '');
    const byNode = new Map<string, KubeObject[]>();
    for (const p of owned) if (!isPodTerminating(p)) byNode.set(nodeOfPod(p), [...(byNode.get(nodeOfPod(p)) ?? []), p]);

    const create: string[] = [];
    const remove: KubeObject[] = [];
    const nodes = this.#nodes.store.list();
    const eligible = new Set<string>();
    let misscheduled = 0;
    for (const node of nodes) {
      const name = node.metadata.name ?? '';
      const { shouldRun, mayStay } = nodeVerdict(ds, node);
      const pods = byNode.get(name) ?? [];
      byNode.delete(name);
      if (shouldRun) eligible.add(name);
      if (pods.length > 0 && !shouldRun) misscheduled++;
      if (!mayStay) {
        remove.push(...pods);
        continue;
      }
      const failed = pods.filter((p) => podPhase(p) === 'Failed');
      for (const p of failed) {
        this.#events.event(eventRef(ds, daemonSetType), 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${name}, will try to kill it`);
      }
      remove.push(...failed);
      const alive = pods.filter((p) => podPhase(p) !== 'Failed').sort((a, b) => (parseTime(a.metadata.creationTimestamp) ?? 0) - (parseTime(b.metadata.creationTimestamp) ?? 0));
      if (shouldRun && alive.length === 0) create.push(name);
      // One pod per node; during a surge the newest of each revision may overlap briefly.
      const keep = [alive.find(isNew), alive.find((p) => !isNew(p))].filter((p): p is KubeObject => p !== undefined);
      remove.push(...alive.filter((p) => !keep.includes(p)));
    }
    // Pods for nodes that no longer exist.
    for (const pods of byNode.values()) remove.push(...pods);

    const strategy = ds.spec?.updateStrategy ?? {};
    if (strategy.type !== 'OnDelete') this.#rollingUpdate(ds, eligible, owned.filter((p) => !isPodTerminating(p) && !remove.includes(p)), isNew, available, create, remove);

    await Promise.all([...create.map((node) => this.#createPod(key, ds, node, hash, signal)), ...remove.map((p) => this.#deletePod(key, ds, p, signal))]);

    const scheduled = owned.filter((p) => !isPodTerminating(p) && eligible.has(nodeOfPod(p)));
    const nodesWith = (pred: (p: KubeObject) => boolean): number => new Set(scheduled.filter(pred).map(nodeOfPod)).size;
    const numberAvailable = nodesWith(available);
    await writeStatusIfChanged(
      this.#client,
      ds,
      {
        desiredNumberScheduled: eligible.size,
        currentNumberScheduled: nodesWith(() => true),
        numberMisscheduled: misscheduled,
        numberReady: nodesWith((p) => isPodReady(p) && podPhase(p) === 'Running'),
        updatedNumberScheduled: nodesWith(isNew),
        numberAvailable,
        ...(eligible.size - numberAvailable > 0 ? { numberUnavailable: eligible.size - numberAvailable } : {}),
        observedGeneration: ds.metadata.generation ?? 0,
        ...(typeof ds.status?.collisionCount === 'number' ? { collisionCount: ds.status.collisionCount } : {}),
      },
      signal,
    );
    const live = new Set([revision.metadata.name ?? '', ...owned.map((p) => `${ds.metadata.name}-${p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? ''}`)]);
    await pruneRevisions(ds, revisionsOf(ds, this.#revisions), live, deps);
    if (minReady > 0) {
      const waits = scheduled.map((p) => msUntilAvailable(p, minReady, now)).filter((ms): ms is number => ms !== undefined && ms > 0);
      if (waits.length > 0) return { requeueAfterMs: Math.min(...waits) + 100 };
    }
    return {};
  }

  /** Adds the rolling update's creations (surge) and deletions (old pods) to `create` and `remove`. */
  #rollingUpdate(
    ds: KubeObject,
    eligible: ReadonlySet<string>,
    pods: readonly KubeObject[],
    isNew: (p: KubeObject) => boolean,
    available: (p: KubeObject) => boolean,
    create: string[],
    remove: KubeObject[],
  ): void {
    const ru = ds.spec?.updateStrategy?.rollingUpdate ?? {};
    const desired = eligible.size;
    const maxSurge = resolveIntOrPercent(ru.maxSurge ?? 0, desired, true);
    const maxUnavailable = maxSurge > 0 ? 0 : Math.max(1, resolveIntOrPercent(ru.maxUnavailable ?? 1, desired, true));
    const perNode = new Map<string, { old?: KubeObject; fresh?: KubeObject }>();
    for (const p of pods) {
      const node = nodeOfPod(p);
      if (!eligible.has(node)) continue;
      const entry = perNode.get(node) ?? {};
      if (isNew(p)) entry.fresh = p;
      else entry.old = p;
      perNode.set(node, entry);
    }
    if (maxSurge === 0) {
      let unavailable = [...eligible].filter((n) => {
        const e = perNode.get(n);
        const newest = e?.fresh ?? e?.old;
        return newest === undefined || !available(newest);
      }).length;
      for (const [, e] of [...perNode].sort(([a], [b]) => a.localeCompare(b))) {
        if (e.old === undefined || e.fresh !== undefined) continue;
        if (!available(e.old)) remove.push(e.old);
        else if (unavailable < maxUnavailable) {
          remove.push(e.old);
          unavailable++;
        }
      }
      return;
    }
    let surging = [...perNode.values()].filter((e) => e.old !== undefined && e.fresh !== undefined && !available(e.fresh)).length;
    for (const [node, e] of [...perNode].sort(([a], [b]) => a.localeCompare(b))) {
      if (e.old === undefined) continue;
      if (e.fresh !== undefined) {
        if (available(e.fresh)) remove.push(e.old);
      } else if (!available(e.old)) {
        remove.push(e.old);
      } else if (surging < maxSurge) {
        create.push(node);
        surging++;
      }
    }
  }

  async #createPod(key: string, ds: KubeObject, node: string, hash: string, signal: AbortSignal): Promise<void> {
    const pod = podFromTemplate(ds.spec?.template, ds, daemonSetType, {
      generateName: `${ds.metadata.name}-`,
      extraLabels: { [CONTROLLER_REVISION_HASH_LABEL]: hash, [TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation ?? 1) },
      mutateSpec: (spec) => {
        spec.tolerations = daemonTolerations(spec);
        spec.affinity = {
          ...spec.affinity,
          nodeAffinity: {
            ...spec.affinity?.nodeAffinity,
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] },
          },
        };
      },
    });
    const created = await this.#podControl.create(eventRef(ds, daemonSetType), pod, signal);
    this.#expectations.expect(key, this.#pods, created.metadata.resourceVersion);
  }

  async #deletePod(key: string, ds: KubeObject, pod: KubeObject, signal: AbortSignal): Promise<void> {
    const gone = await this.#podControl.delete(eventRef(ds, daemonSetType), pod, signal);
    if (gone !== undefined) this.#expectations.expect(key, this.#pods, gone.metadata.resourceVersion);
  }
}

/** The DaemonSet controller, as the runner and the registry see it. */
export const daemonSetController: ControllerDescriptor = {
  name: 'daemonset-controller',
  aliases: ['daemonset'],
  primary: daemonSetType,
  watches: [
    { type: podType },
    { type: controllerRevisionType },
    // Any change of a node (labels, taints, a new node) may change where every DaemonSet runs.
    { type: nodeType, mapTo: (_node, ctx) => ctx.informers.informerFor(daemonSetType).store.list().map((ds) => objectKey(ds)) },
  ],
  workers: 2,
  create: (ctx) => new DaemonSetReconciler(ctx),
};
