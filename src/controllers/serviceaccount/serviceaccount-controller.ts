/**
 * The ServiceAccount controller gives every active namespace a `default` ServiceAccount (pods
 * that name none run as it), and puts it back when it is deleted. Namespaces being deleted are
 * left alone: the namespace controller is emptying them.
 */
import { namespaceType } from '../../api/core/v1/namespace.ts';
import { serviceAccountType } from '../../api/core/v1/service-account.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { ApiError, isAlreadyExists, isNotFound } from '../../client/index.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';

/** The ServiceAccount every namespace gets. */
export const DEFAULT_SERVICE_ACCOUNT = 'default';

/** Reconciles one namespace by name; see the file comment. */
export class ServiceAccountReconciler implements Reconciler {
  readonly #namespaces: Informer<KubeObject>;
  readonly #accounts: Informer<KubeObject>;
  readonly #client: ResourceClient;

  constructor(ctx: ControllerContext) {
    this.#namespaces = ctx.informers.informerFor(namespaceType);
    this.#accounts = ctx.informers.informerFor(serviceAccountType);
    this.#client = ctx.clientset.resource(serviceAccountType);
  }

  async reconcile(name: string, signal: AbortSignal): Promise<ReconcileResult> {
    const ns = this.#namespaces.store.get(name);
    if (ns === undefined || ns.metadata.deletionTimestamp !== undefined) return {};
    if (this.#accounts.store.get(`${name}/${DEFAULT_SERVICE_ACCOUNT}`) !== undefined) return {};
    try {
      await this.#client.create({ metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace: name } }, { signal });
    } catch (err) {
      // AlreadyExists: the cache is behind. NotFound or Forbidden: the namespace went away meanwhile.
      if (isAlreadyExists(err) || isNotFound(err) || (err instanceof ApiError && err.code === 403)) return {};
      throw err;
    }
    return {};
  }
}

/** The ServiceAccount controller, as the runner and the registry see it. */
export const serviceAccountController: ControllerDescriptor = {
  name: 'serviceaccount-controller',
  aliases: ['serviceaccount'],
  primary: namespaceType,
  watches: [{ type: serviceAccountType, mapTo: (sa) => (sa.metadata.name === DEFAULT_SERVICE_ACCOUNT ? [sa.metadata.namespace ?? ''] : []) }],
  workers: 2,
  create: (ctx) => new ServiceAccountReconciler(ctx),
};
