/**
 * The StatefulSet controller runs pods with stable identities: `<set>-<ordinal>` for ordinals
 * `ordinals.start … start+replicas-1`, each with hostname = its name and subdomain =
 * `serviceName`, labelled `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index`
 * and `controller-revision-hash`.
 *
 * One reconcile of a StatefulSet:
 *   1. claims its pods and ControllerRevisions; finds or creates the revision of the current
 *      template (the update revision); the current revision is the one in status, or the
 *      update revision for a new set;
 *   2. for each ordinal in range, lowest first: a missing pod is created (from the current
 *      revision below the rolling-update partition, else from the update revision); a failed
 *      or succeeded pod is deleted, to be recreated. With `OrderedReady` the walk stops at the
 *      first pod that is not Running and Ready (and available for minReadySeconds): pod N+1 is
 *      only created once pod N is ready. With `Parallel` nothing waits;
 *   3. pods beyond the range are deleted highest ordinal first (OrderedReady: one at a time,
 *      and only while every pod in range is healthy);
 *   4. RollingUpdate: once every pod is healthy, the highest-ordinal pod at or above
 *      `partition` still on an old revision is deleted, to come back at the update revision;
 *      one at a time, each waiting for the previous to be healthy again. OnDelete: pods are
 *      only replaced when someone deletes them;
 *   5. writes the status (replicas, readyReplicas, availableReplicas, currentReplicas,
 *      updatedReplicas, current and update revision, observedGeneration) and prunes old
 *      revisions beyond revisionHistoryLimit.
 * Events (from `statefulset-controller`, upstream's texts): `SuccessfulCreate` "create Pod web-0
 * in StatefulSet web successful", `SuccessfulDelete` "delete Pod web-2 in StatefulSet web
 * successful", `FailedCreate`/`FailedDelete` Warnings ("… failed error: <message>"), and
 * `RecreatingFailedPod` (Warning) or `RecreatingTerminatedPod` before a finished pod is replaced.
 * Storage: k8ts has no PersistentVolumes; `volumeClaimTemplates` are kept in the spec, and each
 * becomes an `emptyDir` volume of that name in the pods (so mounts resolve) — data does not
 * survive the pod.
 */
import { controllerRevisionType } from '../../api/apps/v1/controller-revision.ts';
import { statefulSetType } from '../../api/apps/v1/statefulset.ts';
import { podType } from '../../api/core/v1/pod.ts';
import { isObject, objects, str } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { EventRecorder, Informer, ResourceClient } from '../../client/index.ts';
import { isAlreadyExists, isNotFound, NAMESPACE_INDEX, objectKey } from '../../client/index.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import { CONTROLLER_REVISION_HASH_LABEL, pruneRevisions, RevisionCollisionError, revisionsOf, revisionTemplate, updateRevision, type RevisionDeps } from '../common/controller-revisions.ts';
import { errorMessage, isNamespaceTerminating } from '../common/errors.ts';
import { eventRef } from '../common/event-reference.ts';
import { WriteExpectations } from '../common/expectations.ts';
import { CONTROLLER_UID_INDEX, ensureIndex } from '../common/indexes.ts';
import { claim, controllerRef } from '../common/owner-refs.ts';
import { isPodAvailable, isPodFinished, isPodReady, isPodTerminating, msUntilAvailable, podPhase } from '../common/pod-state.ts';
import { podFromTemplate } from '../common/pod-template.ts';
import { selectorMatcher } from '../common/selectors.ts';
import { writeStatusIfChanged } from '../common/status-writer.ts';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** The ordinal in a pod name `<set>-<n>`, undefined for names of other shapes. */
export function ordinalOf(set: KubeObject, pod: KubeObject): number | undefined {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

function healthy(pod: KubeObject, minReadySeconds: number, now: Date): boolean {
  return podPhase(pod) === 'Running' && !isPodTerminating(pod) && isPodAvailable(pod, minReadySeconds, now);
}

/** Reconciles one StatefulSet by key; see the file comment. */
export class StatefulSetReconciler implements Reconciler {
  readonly #ctx: ControllerContext;
  readonly #sets: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #revisions: Informer<KubeObject>;
  readonly #client: ResourceClient;
  readonly #podClient: ResourceClient;
  readonly #revisionClient: ResourceClient;
  readonly #events: EventRecorder;
  readonly #expectations = new WriteExpectations();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#events = ctx.events.newRecorder('statefulset-controller');
    this.#sets = ctx.informers.informerFor(statefulSetType);
    this.#pods = ctx.informers.informerFor(podType);
    this.#revisions = ctx.informers.informerFor(controllerRevisionType);
    ensureIndex(this.#pods, CONTROLLER_UID_INDEX);
    ensureIndex(this.#revisions, CONTROLLER_UID_INDEX);
    this.#client = ctx.clientset.resource(statefulSetType);
    this.#podClient = ctx.clientset.resource(podType);
    this.#revisionClient = ctx.clientset.resource(controllerRevisionType);
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const set = this.#sets.store.get(key);
    if (set === undefined) {
      this.#expectations.forget(key);
      return {};
    }
    if (!this.#expectations.satisfied(key)) return {};
    const deps: RevisionDeps = { ownerType: statefulSetType, informer: this.#revisions, client: this.#revisionClient, onWrite: (rv) => this.#expectations.expect(key, this.#revisions, rv), signal };
    const spec = isObject(set.spec) ? set.spec : {};
    const matches = selectorMatcher(spec.selector);
    const pods = await claim(
      this.#pods.store.byIndex(NAMESPACE_INDEX, set.metadata.namespace ?? '').filter((p) => ordinalOf(set, p) !== undefined || controllerRef(p)?.uid === set.metadata.uid),
      {
        owner: set,
        ownerType: statefulSetType,
        matches,
        client: this.#podClient,
        getFreshOwner: () => this.#client.get(set.metadata.name ?? '', { namespace: set.metadata.namespace, signal }),
        onWrite: (rv) => this.#expectations.expect(key, this.#pods, rv),
        signal,
      },
    );
    const revisions = revisionsOf(set, this.#revisions);
    let update: KubeObject;
    try {
      update = await updateRevision(set, revisions, deps);
    } catch (err) {
      if (err instanceof RevisionCollisionError) await writeStatusIfChanged(this.#client, set, { ...set.status, collisionCount: err.next }, signal);
      throw err;
    }
    const updateName = update.metadata.name ?? '';
    const currentName = str(set.status?.currentRevision) || updateName;
    const current = revisions.find((r) => r.metadata.name === currentName) ?? update;
    const now = this.#ctx.clock.wallNow();
    const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    const ordered = spec.podManagementPolicy !== 'Parallel';
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const start = isObject(spec.ordinals) && typeof spec.ordinals.start === 'number' ? spec.ordinals.start : 0;
    const rolling = spec.updateStrategy?.type !== 'OnDelete';
    const partition = rolling && typeof spec.updateStrategy?.rollingUpdate?.partition === 'number' ? spec.updateStrategy.rollingUpdate.partition : 0;

    const byOrdinal = new Map<number, KubeObject>();
    const condemned: KubeObject[] = [];
    for (const p of pods) {
      const ordinal = ordinalOf(set, p);
      if (ordinal !== undefined && ordinal >= start && ordinal < start + replicas) byOrdinal.set(ordinal, p);
      else condemned.push(p);
    }

    // 2. Replicas, lowest ordinal first.
    let blocked = false;
    for (let ordinal = start; ordinal < start + replicas && !blocked; ordinal++) {
      const pod = byOrdinal.get(ordinal);
      if (pod === undefined) {
        const fromCurrent = rolling && ordinal < partition + start && current !== update;
        await this.#createPod(key, set, ordinal, fromCurrent ? current : update, signal);
        blocked = ordered;
      } else if (isPodFinished(pod)) {
        const failed = podPhase(pod) === 'Failed';
        this.#events.event(
          eventRef(set, statefulSetType),
          failed ? 'Warning' : 'Normal',
          failed ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod',
          `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating ${failed ? 'failed' : 'terminated'} Pod ${pod.metadata.name}`,
        );
        await this.#deletePod(key, set, pod, signal);
        blocked = ordered;
      } else if (ordered && !healthy(pod, minReady, now)) {
        blocked = true;
      }
    }
    // 3. Condemned pods, highest ordinal first.
    const allHealthy = [...byOrdinal.values()].length === replicas && [...byOrdinal.values()].every((p) => healthy(p, minReady, now));
    condemned.sort((a, b) => (ordinalOf(set, b) ?? -1) - (ordinalOf(set, a) ?? -1));
    if (!ordered) await Promise.all(condemned.filter((p) => !isPodTerminating(p)).map((p) => this.#deletePod(key, set, p, signal)));
    else if (!blocked && condemned.length > 0 && condemned.every((p) => !isPodTerminating(p)) && allHealthy) await this.#deletePod(key, set, condemned[0]!, signal);
    // 4. Rolling update, highest ordinal first.
    if (rolling && !blocked && condemned.length === 0 && allHealthy) {
      for (let ordinal = start + replicas - 1; ordinal >= start + partition; ordinal--) {
        const pod = byOrdinal.get(ordinal)!;
        if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] !== updateName) {
          await this.#deletePod(key, set, pod, signal);
          break;
        }
      }
    }

    // 5. Status and history.
    const inRange = [...byOrdinal.values()];
    const updated = inRange.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === updateName).length;
    const ready = inRange.filter((p) => podPhase(p) === 'Running' && isPodReady(p)).length;
    let status: Record<string, unknown> = {
      observedGeneration: set.metadata.generation ?? 0,
      replicas: inRange.length,
      readyReplicas: ready,
      availableReplicas: inRange.filter((p) => healthy(p, minReady, now)).length,
      currentReplicas: inRange.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === currentName).length,
      updatedReplicas: updated,
      currentRevision: currentName,
      updateRevision: updateName,
      ...(typeof set.status?.collisionCount === 'number' ? { collisionCount: set.status.collisionCount } : {}),
    };
    if (rolling && updated === replicas && ready === replicas && inRange.length === replicas) status = { ...status, currentRevision: updateName, currentReplicas: updated };
    await writeStatusIfChanged(this.#client, set, status, signal);
    const live = new Set([currentName, updateName, ...pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '')]);
    await pruneRevisions(set, revisionsOf(set, this.#revisions), live, deps);
    if (minReady > 0) {
      const waits = inRange.map((p) => msUntilAvailable(p, minReady, now)).filter((ms): ms is number => ms !== undefined && ms > 0);
      if (waits.length > 0) return { requeueAfterMs: Math.min(...waits) + 100 };
    }
    return {};
  }

  async #createPod(key: string, set: KubeObject, ordinal: number, revision: KubeObject, signal: AbortSignal): Promise<void> {
    const name = `${set.metadata.name}-${ordinal}`;
    const claims = objects(set.spec?.volumeClaimTemplates);
    const pod = podFromTemplate(revisionTemplate(revision), set, statefulSetType, {
      name,
      extraLabels: { [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [CONTROLLER_REVISION_HASH_LABEL]: revision.metadata.name ?? '' },
      mutateSpec: (spec) => {
        spec.hostname = name;
        if (str(set.spec?.serviceName) !== '') spec.subdomain = set.spec.serviceName;
        const volumes = objects(spec.volumes);
        for (const c of claims) {
          const claimName = str(c.metadata?.name);
          if (claimName !== '' && !volumes.some((v) => v.name === claimName)) volumes.push({ name: claimName, emptyDir: {} });
        }
        if (volumes.length > 0) spec.volumes = volumes;
      },
    });
    try {
      const created = await this.#podClient.create(pod, { signal });
      this.#expectations.expect(key, this.#pods, created.metadata.resourceVersion);
      this.#podEvent('create', set, name);
    } catch (err) {
      // The name is still held by a pod being deleted (or one the cache has not shown yet): wait for it.
      if (isAlreadyExists(err)) return;
      if (!signal.aborted && !isNamespaceTerminating(err)) this.#podEvent('create', set, name, err);
      throw err;
    }
  }

  async #deletePod(key: string, set: KubeObject, pod: KubeObject, signal: AbortSignal): Promise<void> {
    try {
      const gone = await this.#podClient.delete(pod.metadata.name ?? '', { namespace: pod.metadata.namespace, preconditions: { uid: pod.metadata.uid }, signal });
      this.#expectations.expect(key, this.#pods, gone.metadata.resourceVersion);
      this.#podEvent('delete', set, pod.metadata.name ?? '');
    } catch (err) {
      if (isNotFound(err)) return;
      if (!signal.aborted) this.#podEvent('delete', set, pod.metadata.name ?? '', err);
      throw err;
    }
  }

  /** Upstream's Event for a pod created or deleted (or not, with `err`). */
  #podEvent(verb: 'create' | 'delete', set: KubeObject, podName: string, err?: unknown): void {
    const what = `${verb} Pod ${podName} in StatefulSet ${set.metadata.name}`;
    const Verb = verb === 'create' ? 'Create' : 'Delete';
    if (err === undefined) this.#events.event(eventRef(set, statefulSetType), 'Normal', `Successful${Verb}`, `${what} successful`);
    else this.#events.event(eventRef(set, statefulSetType), 'Warning', `Failed${Verb}`, `${what} failed error: ${errorMessage(err)}`);
  }
}

/** Pods wake their StatefulSet by controller reference, orphans by name (`<set>-<n>`) when the set selects them. */
function setsOfPod(pod: KubeObject, ctx: ControllerContext): string[] {
  const ref = controllerRef(pod);
  if (ref !== undefined) return ref.kind === 'StatefulSet' ? [objectKey({ metadata: { namespace: pod.metadata.namespace, name: ref.name } })] : [];
  return ctx.informers
    .informerFor(statefulSetType)
    .store.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')
    .filter((s) => selectorMatcher(s.spec?.selector)(pod))
    .map((s) => objectKey(s));
}

/** The StatefulSet controller, as the runner and the registry see it. */
export const statefulSetController: ControllerDescriptor = {
  name: 'statefulset-controller',
  aliases: ['statefulset'],
  primary: statefulSetType,
  watches: [{ type: podType, mapTo: setsOfPod }, { type: controllerRevisionType }],
  workers: 5,
  create: (ctx) => new StatefulSetReconciler(ctx),
};
