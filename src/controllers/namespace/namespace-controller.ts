/**
 * The namespace controller empties namespaces that are being deleted.
 *
 * On DELETE of a namespace whose `spec.finalizers` holds `kubernetes`, the apiserver only sets
 * `metadata.deletionTimestamp` (phase Terminating). This controller then, for that namespace:
 *   1. discovers every namespaced resource type the server serves (preferred versions);
 *   2. deletes all their objects there: one deletecollection per type where the type supports
 *      it, otherwise a list and one DELETE per object;
 *   3. reports what it found in the namespace's status conditions (deletion-conditions.ts);
 *      while anything is left (objects held by their own finalizers or a grace period),
 *      reconciles again shortly;
 *   4. once nothing is left, removes `kubernetes` from `spec.finalizers` through
 *      `PUT /api/v1/namespaces/<name>/finalize`; the apiserver then deletes the namespace.
 * If discovery of some group-version fails, its types might still hold objects, so the
 * namespace is not finalized: the reconcile fails and is retried.
 */
import { KUBERNETES_FINALIZER, namespaceType } from '../../api/core/v1/namespace.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { Clientset, DiscoveredResource, Lister, ResourceClient } from '../../client/index.ts';
import { isConflict, isMethodNotAllowed, isNotFound, listPreferredNamespacedResources } from '../../client/index.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import { isObject } from '../../api/meta/shape.ts';
import { setCondition, type Condition } from '../common/conditions.ts';
import { writeStatusIfChanged } from '../common/status-writer.ts';
import { namespaceDeletionConditions, type DeletionPass } from './deletion-conditions.ts';

/** How upstream names a resource in messages: `pods`, `widgets.example.com`. */
function groupResource(type: DiscoveredResource): string {
  return type.group === '' ? type.resource : `${type.resource}.${type.group}`;
}

/** How soon to look again while objects are still going away. */
export const CONTENT_REMAINING_REQUEUE_MS = 1000;

function specFinalizers(ns: KubeObject): string[] {
  const f = (ns.spec as { finalizers?: unknown } | undefined)?.finalizers;
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}

function needsCleanup(ns: KubeObject | undefined): boolean {
  return ns?.metadata.deletionTimestamp !== undefined && specFinalizers(ns).includes(KUBERNETES_FINALIZER);
}

/** Reconciles one namespace by name; see the file comment for the steps. */
export class NamespaceReconciler implements Reconciler {
  readonly #clientset: Clientset;
  readonly #cache: Lister<KubeObject>;
  readonly #namespaces: ResourceClient<KubeObject>;
  readonly #clock: ControllerContext['clock'];

  constructor(ctx: ControllerContext) {
    this.#clientset = ctx.clientset;
    this.#clock = ctx.clock;
    this.#cache = ctx.informers.informerFor(namespaceType).store;
    this.#namespaces = ctx.clientset.resource(namespaceType);
  }

  async reconcile(name: string, signal: AbortSignal): Promise<ReconcileResult> {
    if (!needsCleanup(this.#cache.get(name))) return {};
    const { resources, failed } = await listPreferredNamespacedResources(this.#clientset.rest, { signal });
    const deletable = resources.filter((r) => r.verbs.includes('list') && r.verbs.includes('delete'));
    const results = await Promise.allSettled(deletable.map((r) => this.#deleteContent(r, name, signal)));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    const remaining = new Map<string, readonly KubeObject[]>();
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') remaining.set(groupResource(deletable[i]!), r.value);
    });
    await this.#reportConditions(name, {
      discoveryFailures: failed.map((f) => f.groupVersion),
      contentFailures: errors.map((e) => (e instanceof Error ? e.message : String(e))),
      remaining,
    }, signal);
    if (errors.length > 0) throw new AggregateError(errors, `Cannot empty namespace "${name}": ${errors.length} resource types failed`);
    if (failed.length > 0) {
      throw new Error(`Cannot empty namespace "${name}": discovery failed for ${failed.map((f) => f.groupVersion).join(', ')}`);
    }
    if ([...remaining.values()].some((objects) => objects.length > 0)) return { requeueAfterMs: CONTENT_REMAINING_REQUEUE_MS };
    await this.#finalize(name, signal);
    return {};
  }

  /** Writes the deletion conditions into the namespace's status (when they changed). */
  async #reportConditions(name: string, pass: DeletionPass, signal: AbortSignal): Promise<void> {
    const ns = this.#cache.get(name);
    if (ns === undefined) return;
    const status = isObject(ns.status) ? ns.status : {};
    let conditions = (status.conditions ?? []) as Condition[];
    for (const c of namespaceDeletionConditions(pass)) conditions = setCondition(conditions, c, this.#clock.wallNow());
    try {
      await writeStatusIfChanged(this.#namespaces, ns, { ...status, conditions }, signal);
    } catch (err) {
      // Gone meanwhile, or changed (the next pass writes them): the emptying goes on regardless.
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  /** Deletes every object of `type` in `namespace`; returns those still there afterwards. */
  async #deleteContent(type: DiscoveredResource, namespace: string, signal: AbortSignal): Promise<readonly KubeObject[]> {
    const client = this.#clientset.resource(type);
    let collectionDeleted = false;
    if (type.verbs.includes('deletecollection')) {
      try {
        await client.deleteCollection({ namespace, propagationPolicy: 'Background', signal });
        collectionDeleted = true;
      } catch (err) {
        if (!isMethodNotAllowed(err) && !isNotFound(err)) throw err;
      }
    }
    const left = await client.listAll({ namespace, signal });
    if (!collectionDeleted) {
      await Promise.all(
        left.items
          .filter((obj) => obj.metadata.deletionTimestamp === undefined)
          .map((obj) =>
            client.delete(obj.metadata.name ?? '', { namespace, propagationPolicy: 'Background', signal }).catch((err: unknown) => {
              if (!isNotFound(err)) throw err;
            }),
          ),
      );
      return (await client.listAll({ namespace, signal })).items;
    }
    return left.items;
  }

  /** Removes the `kubernetes` finalizer from a fresh copy of the namespace. */
  async #finalize(name: string, signal: AbortSignal): Promise<void> {
    let ns: KubeObject;
    try {
      ns = await this.#namespaces.get(name, { signal });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!needsCleanup(ns)) return;
    const finalizers = specFinalizers(ns).filter((f) => f !== KUBERNETES_FINALIZER);
    await this.#namespaces.updateSubresource({ ...ns, spec: { ...(ns.spec as object), finalizers } }, 'finalize', { signal });
  }
}

/** The namespace controller, as the runner and the registry see it. */
export const namespaceController: ControllerDescriptor = {
  name: 'namespace-controller',
  aliases: ['namespace'],
  primary: namespaceType,
  watches: [],
  workers: 2,
  create: (ctx) => new NamespaceReconciler(ctx),
};
