/**
 * The garbage collector deletes objects whose owners are gone, and carries out the three
 * deletion propagation policies (the apiserver only records the policy as a finalizer):
 *   - Background (the default): the owner goes at once; each dependent then finds all its owners
 *     gone and is deleted.
 *   - Foreground (`foregroundDeletion` finalizer): the owner stays, marked deleted, while its
 *     dependents are deleted; once no dependent that blocks it (`blockOwnerDeletion: true`) is
 *     left, the finalizer is removed and the owner goes. A dependent that has dependents of its
 *     own is itself deleted in the foreground, so whole trees go bottom-up.
 *   - Orphan (`orphan` finalizer): the owner's references are removed from its dependents, then
 *     the finalizer, and the dependents stay.
 *
 * It sees every resource type through metadata-only monitors (monitors.ts) and works on keys
 * that are object uids. A reconcile of one object:
 *   - deleted with `orphan` → orphan its dependents, then drop the finalizer;
 *   - deleted with `foregroundDeletion` → queue its dependents for deletion; drop the finalizer
 *     once no blocking dependent is left;
 *   - otherwise, for each owner reference: the owner is *solid* (exists), *waiting* (exists,
 *     being deleted in the foreground) or *dangling* (gone, or the name now belongs to another
 *     uid). An owner missing from the caches is confirmed with a live read before it counts as
 *     dangling, because a cache may simply not have seen it yet. With a solid owner the object
 *     stays (dangling references are removed; references to waiting owners stop blocking them).
 *     Without one it is deleted — in the foreground if it has dependents and an owner waits.
 * Owners of kinds the server does not serve are left alone: nothing is deleted on a guess.
 */
import type { KubeObject, OwnerReference } from '../../api/meta/types.ts';
import type { DeletedFinalStateUnknown } from '../../client/index.ts';
import { isConflict, isNotFound, pause, WorkQueue } from '../../client/index.ts';
import type { ControllerContext, SelfRunningController } from '../controller.ts';
import type { ReconcileResult } from '../controller.ts';
import { processQueue, unwrapTombstone } from '../runner.ts';
import type { Located } from './monitors.ts';
import { Monitors } from './monitors.ts';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return (obj.metadata.finalizers ?? []).includes(finalizer);
}

/**
 * The uids an event about `obj` should wake: its owners, and itself when there is something to
 * decide (it has owners, or it is being deleted); its dependents once it is being deleted are
 * woken by the handlers. An object with neither is never queued: of a cluster's many such
 * objects (ConfigMaps, Secrets), none is the collector's business.
 */
function uidsOf(obj: KubeObject): string[] {
  const owners = (obj.metadata.ownerReferences ?? []).map((r) => r.uid);
  const self = owners.length > 0 || obj.metadata.deletionTimestamp !== undefined ? [obj.metadata.uid ?? ''] : [];
  return [...self, ...owners].filter((u) => u !== '');
}

/** Owner states; see the file comment. */
type OwnerState = 'solid' | 'waiting' | 'dangling' | 'unknown';

/** One garbage collector run; see the file comment. */
export class GarbageCollector {
  readonly #ctx: ControllerContext;
  readonly #queue: WorkQueue<string>;
  readonly #monitors: Monitors;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue<string>({ clock: ctx.clock });
    const wake = (uids: readonly string[]): void => {
      for (const uid of uids) this.#queue.add(uid);
    };
    this.#monitors = new Monitors(ctx.clientset, ctx.clock, ctx.logger, {
      onAdd: (obj) => wake(uidsOf(obj)),
      onUpdate: (oldObj, newObj) => {
        wake([...new Set([...uidsOf(oldObj), ...uidsOf(newObj)])]);
        if (newObj.metadata.deletionTimestamp !== undefined) wake(this.#monitors.dependentsOf(newObj.metadata.uid ?? '').map((d) => d.obj.metadata.uid ?? ''));
      },
      onDelete: (obj: KubeObject | DeletedFinalStateUnknown<KubeObject>) => {
        const gone = unwrapTombstone(obj);
        wake([...uidsOf(gone), ...this.#monitors.dependentsOf(gone.metadata.uid ?? '').map((d) => d.obj.metadata.uid ?? '')]);
      },
    });
  }

  /** Monitors, workers and periodic rediscovery, until `signal` aborts. */
  async run(signal: AbortSignal, workers: number): Promise<void> {
    const stop = (): void => this.#queue.shutDown();
    signal.addEventListener('abort', stop, { once: true });
    try {
      while (!signal.aborted) {
        try {
          await this.#monitors.sync(signal);
          break;
        } catch (err) {
          if (signal.aborted) return;
          this.#ctx.logger.warn('garbage collector discovery failed; retrying', { error: err });
          if (!(await pause(this.#ctx.clock, 1000, signal))) return;
        }
      }
      this.#ctx.logger.info('controller started', { controller: 'garbage-collector' });
      const rediscover = async (): Promise<void> => {
        while (await pause(this.#ctx.clock, this.#ctx.settings.discoveryRefreshMs, signal)) {
          await this.#monitors.sync(signal).catch((err: unknown) => {
            if (!signal.aborted) this.#ctx.logger.warn('garbage collector rediscovery failed', { error: err });
          });
        }
      };
      await Promise.all([processQueue(this.#queue, (uid, s) => this.reconcile(uid, s), { name: 'garbage-collector', workers, ctx: this.#ctx }, signal), rediscover()]);
    } finally {
      signal.removeEventListener('abort', stop);
      stop();
      await this.#monitors.stop();
    }
  }

  /** Reconciles the object with `uid`; see the file comment. */
  async reconcile(uid: string, signal: AbortSignal): Promise<ReconcileResult> {
    const found = this.#monitors.byUid(uid);
    if (found === undefined) return {};
    const { obj } = found;
    if (obj.metadata.deletionTimestamp !== undefined) {
      if (hasFinalizer(obj, ORPHAN_FINALIZER)) await this.#orphanDependents(found, signal);
      else if (hasFinalizer(obj, FOREGROUND_FINALIZER)) await this.#deleteDependents(found, signal);
      return {};
    }
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return {};
    const states = await Promise.all(refs.map((ref) => this.#ownerState(ref, obj, signal)));
    if (states.includes('unknown')) return {};
    if (states.includes('solid')) {
      const kept = refs.flatMap((ref, i) => (states[i] === 'dangling' ? [] : [states[i] === 'waiting' && ref.blockOwnerDeletion === true ? { ...ref, blockOwnerDeletion: false } : ref]));
      if (kept.length !== refs.length || kept.some((r, i) => r !== refs[i])) await this.#patchOwners(found, kept, signal);
      return {};
    }
    const hasDependents = this.#monitors.dependentsOf(uid).length > 0;
    const policy = states.includes('waiting') && hasDependents ? 'Foreground' : hasFinalizer(obj, ORPHAN_FINALIZER) ? 'Orphan' : 'Background';
    await this.#delete(found, policy, signal);
    return {};
  }

  async #ownerState(ref: OwnerReference, dependent: KubeObject, signal: AbortSignal): Promise<OwnerState> {
    const type = this.#monitors.typeOf(ref);
    if (type === undefined) return 'unknown';
    // A cluster-scoped object cannot have a namespaced owner: such a reference points at nothing.
    if (type.namespaced && (dependent.metadata.namespace ?? '') === '') return 'dangling';
    let owner = this.#monitors.cachedOwner(ref, dependent.metadata.namespace);
    if (owner?.metadata.uid !== ref.uid) {
      try {
        owner = await this.#ctx.clientset.resource(type).get(ref.name, { namespace: dependent.metadata.namespace, signal });
      } catch (err) {
        if (isNotFound(err)) return 'dangling';
        throw err;
      }
      if (owner.metadata.uid !== ref.uid) return 'dangling';
    }
    return owner.metadata.deletionTimestamp !== undefined && hasFinalizer(owner, FOREGROUND_FINALIZER) ? 'waiting' : 'solid';
  }

  /** Removes `owner`'s references from its dependents, then its `orphan` finalizer. */
  async #orphanDependents(owner: Located, signal: AbortSignal): Promise<void> {
    const uid = owner.obj.metadata.uid;
    for (const dep of this.#monitors.dependentsOf(uid ?? '')) {
      await this.#patchOwners(dep, (dep.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid), signal);
    }
    await this.#removeFinalizer(owner, ORPHAN_FINALIZER, signal);
  }

  /** Queues the dependents for deletion; removes the finalizer once none blocks the owner. */
  async #deleteDependents(owner: Located, signal: AbortSignal): Promise<void> {
    const uid = owner.obj.metadata.uid ?? '';
    const dependents = this.#monitors.dependentsOf(uid);
    const blocking = dependents.filter((d) => d.obj.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion === true));
    if (blocking.length === 0) {
      await this.#removeFinalizer(owner, FOREGROUND_FINALIZER, signal);
      return;
    }
    for (const d of dependents) if (d.obj.metadata.deletionTimestamp === undefined) this.#queue.add(d.obj.metadata.uid ?? '');
  }

  async #delete(target: Located, policy: 'Foreground' | 'Background' | 'Orphan', signal: AbortSignal): Promise<void> {
    const { obj, type } = target;
    try {
      await this.#ctx.clientset.resource(type).delete(obj.metadata.name ?? '', { namespace: obj.metadata.namespace, propagationPolicy: policy, preconditions: { uid: obj.metadata.uid }, signal });
      this.#ctx.logger.info('deleted an object whose owners are gone', { resource: type.resource, namespace: obj.metadata.namespace, name: obj.metadata.name, propagationPolicy: policy });
    } catch (err) {
      // Gone already, or the name now belongs to a newer object: nothing of ours to delete.
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  async #patchOwners(target: Located, ownerReferences: OwnerReference[], signal: AbortSignal): Promise<void> {
    const { obj, type } = target;
    try {
      await this.#ctx.clientset
        .resource(type)
        .patch(obj.metadata.name ?? '', { metadata: { ownerReferences: ownerReferences.length > 0 ? ownerReferences : null, resourceVersion: obj.metadata.resourceVersion } }, { namespace: obj.metadata.namespace, signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async #removeFinalizer(target: Located, finalizer: string, signal: AbortSignal): Promise<void> {
    const { obj, type } = target;
    const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      await this.#ctx.clientset
        .resource(type)
        .patch(obj.metadata.name ?? '', { metadata: { finalizers: finalizers.length > 0 ? finalizers : null, resourceVersion: obj.metadata.resourceVersion } }, { namespace: obj.metadata.namespace, signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** The garbage collector, as the runner and the registry see it. */
export const garbageCollector: SelfRunningController = {
  name: 'garbage-collector-controller',
  aliases: ['garbagecollector'],
  workers: 5,
  run: (ctx, signal, workers) => new GarbageCollector(ctx).run(signal, workers),
};
