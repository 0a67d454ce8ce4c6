/**
 * The Deployment controller rolls pod templates out through ReplicaSets.
 *
 * One reconcile of a Deployment (upstream's syncDeployment):
 *   1. claims its ReplicaSets (controlled and selected; orphans adopted, strays released);
 *   2. being deleted → only the status is written;
 *   3. the Progressing condition notes pausing and resuming (so a long pause never counts as
 *      a stalled rollout);
 *   4. paused, or resized (an active ReplicaSet records another desired size) → the new size is
 *      spread proportionally (proportional-scale.ts), old revisions beyond
 *      `revisionHistoryLimit` are deleted when paused, and the status is written;
 *   5. otherwise one step of the strategy:
 *      - RollingUpdate: find or create the new ReplicaSet (`<name>-<pod-template-hash>`, revision
 *        = highest old revision + 1), then either grow it or shrink old ones
 *        (rolling-plan.ts), never both in one step;
 *      - Recreate: shrink every old ReplicaSet to 0, wait until none of their pods is left,
 *        then create the new ReplicaSet at full size;
 *      after a step the rollout status is written (deployment-status.ts); once complete, old
 *      ReplicaSets beyond `revisionHistoryLimit` are deleted.
 * Every step is decided from the caches; writes name the cached resourceVersion, so a step
 * decided on stale state fails with 409 and is retried on fresh state.
 *
 * Events (from `deployment-controller`, as upstream): `ScalingReplicaSet` for every size it
 * gives a ReplicaSet ("Scaled up replica set web-7d4b9c8f5 from 0 to 3", "Scaled down replica
 * set … from 3 to 2"), and a `ReplicaSetCreateError` Warning when the new ReplicaSet cannot be
 * created.
 *
 * `kubectl rollout undo` (kubectl 1.32) needs nothing here: it patches the template of the
 * chosen old ReplicaSet back into the Deployment, whose new ReplicaSet is then that old one,
 * which gets the next revision number (its earlier ones go to `revision-history`).
 */
import { deploymentType } from '../../api/apps/v1/deployment.ts';
import { replicaSetType } from '../../api/apps/v1/replicaset.ts';
import { podType } from '../../api/core/v1/pod.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { EventRecorder, Informer, ResourceClient } from '../../client/index.ts';
import { isAlreadyExists, isNotFound, NAMESPACE_INDEX, objectKey } from '../../client/index.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import { findCondition } from '../common/conditions.ts';
import { errorMessage, isNamespaceTerminating } from '../common/errors.ts';
import { eventRef } from '../common/event-reference.ts';
import { CONTROLLER_UID_INDEX, ensureIndex } from '../common/indexes.ts';
import { claim, controllerRef } from '../common/owner-refs.ts';
import { isPodFinished } from '../common/pod-state.ts';
import { selectorMatcher } from '../common/selectors.ts';
import { writeStatusIfChanged } from '../common/status-writer.ts';
import { calculateStatus, conditionsOf, deploymentComplete, hasProgressDeadline, msUntilDeadline, REASON, rolloutStatus, setDeploymentCondition } from './deployment-status.ts';
import { proportionalSizes } from './proportional-scale.ts';
import {
  active,
  byCreation,
  newReplicaSetAnnotations,
  newReplicaSetFor,
  isScalingEvent,
  replicasAnnotations,
  REVISION_ANNOTATION,
  revisionOf,
  specReplicas,
  splitReplicaSets,
  statusCount,
  templatesEqualIgnoringHash,
} from './replica-sets.ts';
import { newReplicaSetTarget, oldReplicaSetTargets } from './rolling-plan.ts';
import { deepEqual } from '../../util/deep-equal.ts';

/** The deployment as last read or written during one reconcile, so each write names its latest version. */
interface Rollout {
  d: KubeObject;
  readonly signal: AbortSignal;
}

/** Reconciles one Deployment by key; see the file comment. */
export class DeploymentReconciler implements Reconciler {
  readonly #ctx: ControllerContext;
  readonly #deployments: Informer<KubeObject>;
  readonly #replicaSets: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #client: ResourceClient;
  readonly #rsClient: ResourceClient;
  readonly #events: EventRecorder;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#events = ctx.events.newRecorder('deployment-controller');
    this.#deployments = ctx.informers.informerFor(deploymentType);
    this.#replicaSets = ctx.informers.informerFor(replicaSetType);
    this.#pods = ctx.informers.informerFor(podType);
    ensureIndex(this.#pods, CONTROLLER_UID_INDEX);
    this.#client = ctx.clientset.resource(deploymentType);
    this.#rsClient = ctx.clientset.resource(replicaSetType);
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const cached = this.#deployments.store.get(key);
    if (cached === undefined) return {};
    const st: Rollout = { d: cached, signal };
    const sets = await this.#claimReplicaSets(st);
    const now = (): Date => this.#ctx.clock.wallNow();

    if (st.d.metadata.deletionTimestamp !== undefined) {
      const { newRS, oldRSs } = splitReplicaSets(st.d, sets);
      await this.#writeStatus(st, calculateStatus(st.d, [...oldRSs, ...(newRS ? [newRS] : [])], newRS, now()));
      return {};
    }
    await this.#notePaused(st);
    const { newRS: foundNew, oldRSs } = splitReplicaSets(st.d, sets);
    if (st.d.spec?.paused === true || isScalingEvent(st.d, [...oldRSs, foundNew])) {
      const newRS = foundNew === undefined ? undefined : await this.#syncNewReplicaSet(st, foundNew, oldRSs);
      const all = await this.#applySizes(st, [...oldRSs, ...(newRS ? [newRS] : [])], proportionalSizes(st.d, newRS, oldRSs));
      const currentNew = all.find((rs) => rs.metadata.name === newRS?.metadata.name);
      if (st.d.spec?.paused === true) await this.#cleanup(st, all.filter((rs) => rs !== currentNew));
      await this.#writeStatus(st, calculateStatus(st.d, all, currentNew, now()));
      return {};
    }
    return st.d.spec?.strategy?.type === 'Recreate' ? this.#recreate(st, foundNew, oldRSs) : this.#rollingUpdate(st, foundNew, oldRSs);
  }

  /** Writes the deployment's status (if changed) and keeps what was stored for the next write. */
  async #writeStatus(st: Rollout, status: Record<string, unknown>): Promise<void> {
    st.d = await writeStatusIfChanged(this.#client, st.d, status, st.signal);
  }

  async #rollingUpdate(st: Rollout, found: KubeObject | undefined, oldRSs: KubeObject[]): Promise<ReconcileResult> {
    const newRS = found === undefined ? await this.#createNewReplicaSet(st, oldRSs) : await this.#syncNewReplicaSet(st, found, oldRSs);
    let all = [...oldRSs, newRS];
    const target = newReplicaSetTarget(st.d, all, newRS);
    if (target !== specReplicas(newRS)) {
      all = await this.#applySizes(st, all, new Map([[newRS.metadata.name ?? '', target]]));
      return this.#writeRolloutStatus(st, all, newRS);
    }
    const olds = oldReplicaSetTargets(st.d, all, oldRSs, newRS);
    if (olds.size > 0) {
      all = await this.#applySizes(st, all, olds);
      return this.#writeRolloutStatus(st, all, newRS);
    }
    if (deploymentComplete(st.d, st.d.status ?? {})) await this.#cleanup(st, oldRSs);
    return this.#writeRolloutStatus(st, all, newRS);
  }

  async #recreate(st: Rollout, found: KubeObject | undefined, oldRSs: KubeObject[]): Promise<ReconcileResult> {
    let newRS = found === undefined ? undefined : await this.#syncNewReplicaSet(st, found, oldRSs);
    const all = (): KubeObject[] => [...oldRSs, ...(newRS === undefined ? [] : [newRS])];
    const shrink = new Map(active(oldRSs).map((rs) => [rs.metadata.name ?? '', 0]));
    if (shrink.size > 0) {
      oldRSs = await this.#applySizes(st, oldRSs, shrink);
      return this.#writeRolloutStatus(st, all(), newRS);
    }
    // Old pods must be gone (or finished) before new ones start: that is what Recreate promises.
    const oldPodsLeft = oldRSs.some((rs) => this.#pods.store.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid ?? '').some((p) => !isPodFinished(p)));
    if (oldPodsLeft) return this.#writeRolloutStatus(st, all(), newRS);
    newRS ??= await this.#createNewReplicaSet(st, oldRSs);
    if (specReplicas(newRS) !== specReplicas(st.d)) {
      [newRS] = (await this.#applySizes(st, [newRS], new Map([[newRS.metadata.name ?? '', specReplicas(st.d)]]))) as [KubeObject];
    }
    if (deploymentComplete(st.d, st.d.status ?? {})) await this.#cleanup(st, oldRSs);
    return this.#writeRolloutStatus(st, all(), newRS);
  }

  /** The ReplicaSets of `d` after claiming (adoption and release written through the API). */
  async #claimReplicaSets(st: Rollout): Promise<KubeObject[]> {
    const { d, signal } = st;
    const candidates = this.#replicaSets.store.byIndex(NAMESPACE_INDEX, d.metadata.namespace ?? '');
    try {
      return await claim(candidates, {
        owner: d,
        ownerType: deploymentType,
        matches: selectorMatcher(d.spec?.selector),
        client: this.#rsClient,
        getFreshOwner: () => this.#client.get(d.metadata.name ?? '', { namespace: d.metadata.namespace, signal }),
        signal,
      });
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
  }

  /** Records pausing and resuming in the Progressing condition (not when the deadline already passed). */
  async #notePaused(st: Rollout): Promise<void> {
    const { d } = st;
    if (!hasProgressDeadline(d)) return;
    const cond = findCondition(conditionsOf(d), 'Progressing');
    if (cond?.reason === REASON.timedOut) return;
    const pausedNoted = cond?.reason === REASON.paused;
    const paused = d.spec?.paused === true;
    if (paused === pausedNoted) return;
    const next = paused
      ? { type: 'Progressing', status: 'Unknown' as const, reason: REASON.paused, message: 'Deployment is paused' }
      : { type: 'Progressing', status: 'Unknown' as const, reason: REASON.resumed, message: 'Deployment is resumed' };
    const conditions = setDeploymentCondition(conditionsOf(d), next, this.#ctx.clock.wallNow());
    await this.#writeStatus(st, { ...d.status, conditions });
  }

  /**
   * Keeps the existing new ReplicaSet's annotations (revision, copied deployment annotations)
   * and minReadySeconds in step with the deployment, and the deployment's revision annotation
   * in step with it. Returns the ReplicaSet as stored.
   */
  async #syncNewReplicaSet(st: Rollout, rs: KubeObject, oldRSs: readonly KubeObject[]): Promise<KubeObject> {
    const { d, signal } = st;
    const newRevision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
    const annotations = newReplicaSetAnnotations(d, rs, newRevision, false);
    const minReady = d.spec?.minReadySeconds ?? 0;
    if (!deepEqual(annotations, rs.metadata.annotations ?? {}) || (rs.spec?.minReadySeconds ?? 0) !== minReady) {
      return this.#rsClient.update({ ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, minReadySeconds: minReady } }, { signal });
    }
    await this.#setRevision(st, rs.metadata.annotations?.[REVISION_ANNOTATION]);
    if (hasProgressDeadline(st.d) && findCondition(conditionsOf(st.d), 'Progressing') === undefined) {
      const conditions = setDeploymentCondition(conditionsOf(st.d), { type: 'Progressing', status: 'True', reason: REASON.foundNewReplicaSet, message: `Found new replica set "${rs.metadata.name}"` }, this.#ctx.clock.wallNow());
      await this.#writeStatus(st, { ...st.d.status, conditions });
    }
    return rs;
  }

  /**
   * Creates the new ReplicaSet for the current template. A name taken by a ReplicaSet that is
   * not this template's (a hash collision) bumps `status.collisionCount`, which changes the
   * hash; the reconcile then fails and is retried with the new name.
   */
  async #createNewReplicaSet(st: Rollout, oldRSs: readonly KubeObject[]): Promise<KubeObject> {
    const { d, signal } = st;
    const revision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
    const draft = newReplicaSetFor(d, 0, revision);
    draft.spec.replicas = newReplicaSetTarget(d, [...oldRSs, draft], draft);
    let created: KubeObject;
    try {
      created = await this.#rsClient.create(draft, { signal });
    } catch (err) {
      if (!isAlreadyExists(err)) {
        if (!signal.aborted && !isNamespaceTerminating(err)) {
          this.#events.event(eventRef(d, deploymentType), 'Warning', 'ReplicaSetCreateError', `Failed to create new replica set "${draft.metadata.name}": ${errorMessage(err)}`);
        }
        throw err;
      }
      const existing = await this.#rsClient.get(draft.metadata.name ?? '', { namespace: d.metadata.namespace, signal });
      if (controllerRef(existing)?.uid === d.metadata.uid && templatesEqualIgnoringHash(existing.spec?.template, d.spec?.template)) return existing;
      const collisionCount = (typeof d.status?.collisionCount === 'number' ? d.status.collisionCount : 0) + 1;
      await this.#writeStatus(st, { ...d.status, collisionCount });
      throw new Error(`ReplicaSet name ${draft.metadata.name} is taken by another template; retrying with collisionCount ${collisionCount}`, { cause: err });
    }
    const size = specReplicas(created);
    if (size > 0) this.#events.event(eventRef(d, deploymentType), 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${size}`);
    await this.#setRevision(st, String(revision));
    if (hasProgressDeadline(st.d)) {
      const conditions = setDeploymentCondition(conditionsOf(st.d), { type: 'Progressing', status: 'True', reason: REASON.newReplicaSetCreated, message: `Created new replica set "${created.metadata.name}"` }, this.#ctx.clock.wallNow());
      await this.#writeStatus(st, { ...st.d.status, conditions });
    }
    return created;
  }

  /** Sets the deployment's revision annotation (a metadata patch; the spec and generation are untouched). */
  async #setRevision(st: Rollout, revision: string | undefined): Promise<void> {
    const { d, signal } = st;
    if (revision === undefined || d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
    st.d = await this.#client.patch(
      d.metadata.name ?? '',
      { metadata: { annotations: { [REVISION_ANNOTATION]: revision }, resourceVersion: d.metadata.resourceVersion } },
      { namespace: d.metadata.namespace, signal },
    );
  }

  /**
   * Writes new sizes (and the deployment's current desired/max replicas annotations) to the
   * named ReplicaSets; returns `sets` with the written ones replaced by what was stored.
   */
  async #applySizes(st: Rollout, sets: readonly KubeObject[], sizes: ReadonlyMap<string, number>): Promise<KubeObject[]> {
    const { d, signal } = st;
    return Promise.all(
      sets.map(async (rs) => {
        const size = sizes.get(rs.metadata.name ?? '');
        if (size === undefined) return rs;
        const annotations = { ...rs.metadata.annotations, ...replicasAnnotations(d) };
        const from = specReplicas(rs);
        if (size === from && deepEqual(annotations, rs.metadata.annotations ?? {})) return rs;
        const updated = await this.#rsClient.update({ ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, replicas: size } }, { signal });
        if (size !== from) this.#events.event(eventRef(d, deploymentType), 'Normal', 'ScalingReplicaSet', `Scaled ${size > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${size}`);
        return updated;
      }),
    );
  }

  /** Deletes the oldest revisions beyond revisionHistoryLimit that have no pods left. */
  async #cleanup(st: Rollout, oldRSs: readonly KubeObject[]): Promise<void> {
    const { d, signal } = st;
    const limit: unknown = d.spec?.revisionHistoryLimit;
    if (typeof limit !== 'number') return;
    const alive = oldRSs.filter((rs) => rs.metadata.deletionTimestamp === undefined);
    const excess = alive.length - limit;
    if (excess <= 0) return;
    const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of byRevision.slice(0, excess)) {
      if (statusCount(rs, 'replicas') !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > statusCount(rs, 'observedGeneration')) continue;
      try {
        await this.#rsClient.delete(rs.metadata.name ?? '', { namespace: rs.metadata.namespace, preconditions: { uid: rs.metadata.uid }, signal });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  /** Writes the rollout status; asks to be woken when the progress deadline would pass. */
  async #writeRolloutStatus(st: Rollout, all: readonly KubeObject[], newRS: KubeObject | undefined): Promise<ReconcileResult> {
    const now = this.#ctx.clock.wallNow();
    const current = all.find((rs) => rs.metadata.name === newRS?.metadata.name) ?? newRS;
    const d = st.d;
    const status = rolloutStatus(d, all, current, now);
    await this.#writeStatus(st, status);
    const cond = findCondition(status.conditions, 'Progressing');
    if (cond === undefined || cond.reason === REASON.timedOut || cond.reason === REASON.newReplicaSetAvailable || deploymentComplete(d, status)) return {};
    const left = msUntilDeadline(d, status, now);
    return left === undefined ? {} : { requeueAfterMs: Math.max(0, left) + 1000 };
  }
}

/** ReplicaSets wake their controlling Deployment; orphans wake every Deployment of the namespace that selects them. */
function deploymentsOfReplicaSet(rs: KubeObject, ctx: ControllerContext): string[] {
  const ref = controllerRef(rs);
  if (ref !== undefined) return ref.kind === 'Deployment' && ref.apiVersion === 'apps/v1' ? [objectKey({ metadata: { namespace: rs.metadata.namespace, name: ref.name } })] : [];
  return ctx.informers
    .informerFor(deploymentType)
    .store.byIndex(NAMESPACE_INDEX, rs.metadata.namespace ?? '')
    .filter((d) => selectorMatcher(d.spec?.selector)(rs))
    .map((d) => objectKey(d));
}

/** Pods wake a Recreate Deployment through their ReplicaSet: it waits for the old pods to go. */
function recreateDeploymentsOfPod(pod: KubeObject, ctx: ControllerContext): string[] {
  const ref = controllerRef(pod);
  if (ref?.kind !== 'ReplicaSet') return [];
  const rs = ctx.informers.informerFor(replicaSetType).store.get(objectKey({ metadata: { namespace: pod.metadata.namespace, name: ref.name } }));
  if (rs === undefined) return [];
  return deploymentsOfReplicaSet(rs, ctx).filter((key) => ctx.informers.informerFor(deploymentType).store.get(key)?.spec?.strategy?.type === 'Recreate');
}

/** The Deployment controller, as the runner and the registry see it. */
export const deploymentController: ControllerDescriptor = {
  name: 'deployment-controller',
  aliases: ['deployment'],
  primary: deploymentType,
  watches: [
    { type: replicaSetType, mapTo: deploymentsOfReplicaSet },
    { type: podType, mapTo: recreateDeploymentsOfPod },
  ],
  workers: 5,
  create: (ctx) => new DeploymentReconciler(ctx),
};
