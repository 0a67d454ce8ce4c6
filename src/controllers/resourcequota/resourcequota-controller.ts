/**
 * The ResourceQuota controller keeps each quota's `status.hard` equal to its spec and its
 * `status.used` equal to what the namespace's pods use of the resources it counts, and to the
 * number of objects of each kind it counts (see api/core/v1/resource-quota-usage.ts). It
 * reconciles a quota when its spec changes and when a pod of its namespace does, every
 * OBJECT_RECOUNT_MS while it counts objects of other kinds, and every 5 minutes. Refusing
 * writes beyond a quota is the apiserver's quota admission (src/apiserver/registry/
 * quota-allocator.ts), which charges `status.used` as it admits an object; this controller's
 * recount then replaces the charges with what exists.
 */
import { podType } from '../../api/core/v1/pod.ts';
import { resourceQuotaType } from '../../api/core/v1/resource-quota.ts';
import { objectCountTarget, quotaStatus } from '../../api/core/v1/resource-quota-usage.ts';
import { isObject } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { Clientset, DiscoveredResource, Informer, ResourceClient } from '../../client/index.ts';
import { isNotFound, listPreferredNamespacedResources, NAMESPACE_INDEX } from '../../client/index.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';

/** How often a quota with object counts is recounted. */
export const OBJECT_RECOUNT_MS = 10_000;
/** How long discovery of the served kinds is reused. */
const DISCOVERY_TTL_MS = 30_000;

/** Reconciles one quota by `namespace/name`. */
export class ResourceQuotaReconciler implements Reconciler {
  readonly #quotas: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #client: ResourceClient;
  readonly #clientset: Clientset;
  readonly #clock: ControllerContext['clock'];
  #discovery: { at: number; resources: readonly DiscoveredResource[] } | undefined;

  constructor(ctx: ControllerContext) {
    this.#clientset = ctx.clientset;
    this.#clock = ctx.clock;
    this.#quotas = ctx.informers.informerFor(resourceQuotaType);
    this.#pods = ctx.informers.informerFor(podType);
    this.#client = ctx.clientset.resource(resourceQuotaType);
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const quota = this.#quotas.store.get(key);
    if (quota === undefined || quota.metadata.deletionTimestamp !== undefined) return {};
    const counts = await this.#objectCounts(quota, signal);
    // Object counts are recounted on a timer (only pods are watched), so deletions free quota soon.
    const result: ReconcileResult = counts.size > 0 ? { requeueAfterMs: OBJECT_RECOUNT_MS } : {};
    const status = quotaStatus(quota, this.#pods.store.byIndex(NAMESPACE_INDEX, quota.metadata.namespace ?? ''), counts);
    if (deepEqual(quota.status ?? {}, status)) return result;
    try {
      await this.#client.updateStatus({ ...quota, status }, { signal });
    } catch (err) {
      // Gone meanwhile: nothing to account for. A conflict retries on the fresh quota.
      if (isNotFound(err)) return {};
      throw err;
    }
    return result;
  }

  /** How many objects of each object-count entry's kind the quota's namespace holds (kinds not served get none). */
  async #objectCounts(quota: KubeObject, signal: AbortSignal): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const hard = isObject(quota.spec) && isObject(quota.spec.hard) ? Object.keys(quota.spec.hard) : [];
    const entries = hard.flatMap((name) => {
      const target = objectCountTarget(name);
      return target === undefined ? [] : [{ name, target }];
    });
    if (entries.length === 0) return counts;
    const served = await this.#servedTypes(signal);
    for (const { name, target } of entries) {
      const type = served.find((r) => r.group === target.group && r.resource === target.resource);
      if (type === undefined) continue;
      counts.set(name, (await this.#clientset.resource(type).listAll({ namespace: quota.metadata.namespace ?? '', signal })).items.length);
    }
    return counts;
  }

  /** The namespaced kinds the server serves, from discovery read at most every DISCOVERY_TTL_MS. */
  async #servedTypes(signal: AbortSignal): Promise<readonly DiscoveredResource[]> {
    const now = this.#clock.now();
    if (this.#discovery === undefined || now - this.#discovery.at > DISCOVERY_TTL_MS) {
      this.#discovery = { at: now, resources: (await listPreferredNamespacedResources(this.#clientset.rest, { signal })).resources };
    }
    return this.#discovery.resources;
  }
}

/** The quotas of a pod's namespace. */
function quotasOfNamespace(pod: KubeObject, ctx: ControllerContext): string[] {
  const namespace = pod.metadata.namespace ?? '';
  return ctx.informers
    .informerFor(resourceQuotaType)
    .store.byIndex(NAMESPACE_INDEX, namespace)
    .map((q) => `${namespace}/${q.metadata.name ?? ''}`);
}

/** The ResourceQuota controller, as the runner and the registry see it. */
export const resourceQuotaController: ControllerDescriptor = {
  name: 'resourcequota-controller',
  aliases: ['resourcequota'],
  primary: resourceQuotaType,
  // Spec changes only: a status write is quota admission's charge (or this controller's own).
  primaryUpdateMatters: (oldObj, newObj) => !deepEqual(oldObj.spec, newObj.spec),
  watches: [{ type: podType, mapTo: quotasOfNamespace }],
  // A safety net, as upstream's resync, for a recount no pod change announces.
  resyncPeriodMs: 5 * 60_000,
  workers: 2,
  create: (ctx) => new ResourceQuotaReconciler(ctx),
};
