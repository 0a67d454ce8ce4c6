/**
 * The ResourceQuota controller keeps each quota's `status.hard` equal to its spec and its
 * `status.used` equal to what the namespace's pods use of the resources it counts (see
 * api/core/v1/resource-quota-usage.ts). It reconciles a quota when it changes and when a pod of
 * its namespace does. Refusing pods beyond a quota is the apiserver's quota admission
 * (src/apiserver/registry/pod-quota-allocator.ts), which charges `status.used` as it admits a
 * pod; this controller's recount then replaces the charges with what the pods use.
 */
import { podType } from '../../api/core/v1/pod.ts';
import { resourceQuotaType } from '../../api/core/v1/resource-quota.ts';
import { quotaStatus } from '../../api/core/v1/resource-quota-usage.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { isNotFound, NAMESPACE_INDEX } from '../../client/index.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';

/** Reconciles one quota by `namespace/name`. */
export class ResourceQuotaReconciler implements Reconciler {
  readonly #quotas: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #client: ResourceClient;

  constructor(ctx: ControllerContext) {
    this.#quotas = ctx.informers.informerFor(resourceQuotaType);
    this.#pods = ctx.informers.informerFor(podType);
    this.#client = ctx.clientset.resource(resourceQuotaType);
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const quota = this.#quotas.store.get(key);
    if (quota === undefined || quota.metadata.deletionTimestamp !== undefined) return {};
    const status = quotaStatus(quota, this.#pods.store.byIndex(NAMESPACE_INDEX, quota.metadata.namespace ?? ''));
    if (deepEqual(quota.status ?? {}, status)) return {};
    try {
      await this.#client.updateStatus({ ...quota, status }, { signal });
    } catch (err) {
      // Gone meanwhile: nothing to account for. A conflict retries on the fresh quota.
      if (isNotFound(err)) return {};
      throw err;
    }
    return {};
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
  watches: [{ type: podType, mapTo: quotasOfNamespace }],
  workers: 2,
  create: (ctx) => new ResourceQuotaReconciler(ctx),
};
