/**
 * The root CA certificate publisher keeps a ConfigMap `kube-root-ca.crt` in every active
 * namespace whose `ca.crt` is the cluster CA bundle, so that pods can verify the apiserver
 * behind `kubernetes.default.svc` (projected service account volumes mount it). A missing one
 * is created, a changed or deleted one is put back, and it carries upstream's
 * `kubernetes.io/description` annotation; other keys and annotations someone adds are left as
 * they are, as upstream leaves them. Namespaces being deleted are left alone.
 *
 * The bundle is `settings.rootCaPem` (`--root-ca-file`, else the CA the controller manager
 * trusts for the apiserver, as upstream); without one the controller publishes nothing.
 */
import { configMapType } from '../../api/core/v1/configmap.ts';
import { namespaceType } from '../../api/core/v1/namespace.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { isAlreadyExists, isNotFound } from '../../client/index.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import { isNamespaceTerminating } from '../common/errors.ts';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const ROOT_CA_KEY = 'ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
/** Upstream's description, word for word (clients may look for it). */
export const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

/** Only the published ConfigMaps are cached, not every ConfigMap of the cluster. */
const CONFIGMAP_SCOPE = { fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}` };

/** Reconciles one namespace's `kube-root-ca.crt` by the namespace's name; see the file comment. */
export class RootCaCertPublisher implements Reconciler {
  readonly #caPem: string | undefined;
  readonly #namespaces: Informer<KubeObject>;
  readonly #configMaps: Informer<KubeObject>;
  readonly #client: ResourceClient;

  constructor(ctx: ControllerContext) {
    this.#caPem = ctx.settings.rootCaPem;
    if (this.#caPem === undefined) ctx.logger.warn('no cluster CA given (--root-ca-file): kube-root-ca.crt ConfigMaps are not published');
    this.#namespaces = ctx.informers.informerFor(namespaceType);
    this.#configMaps = ctx.informers.informerFor(configMapType, CONFIGMAP_SCOPE);
    this.#client = ctx.clientset.resource(configMapType);
  }

  async reconcile(name: string, signal: AbortSignal): Promise<ReconcileResult> {
    const ns = this.#namespaces.store.get(name);
    if (this.#caPem === undefined || ns === undefined || ns.metadata.deletionTimestamp !== undefined) return {};
    const data = { [ROOT_CA_KEY]: this.#caPem };
    const cm = this.#configMaps.store.get(`${name}/${ROOT_CA_CONFIGMAP}`);
    if (cm === undefined) {
      try {
        await this.#client.create({ metadata: { name: ROOT_CA_CONFIGMAP, namespace: name, annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } }, data }, { signal });
      } catch (err) {
        // AlreadyExists: the cache is behind (its event brings the check). The others: the namespace is going.
        if (!isAlreadyExists(err) && !isNotFound(err) && !isNamespaceTerminating(err)) throw err;
      }
      return {};
    }
    if (deepEqual(cm.data ?? {}, data) && (cm.metadata.annotations?.[DESCRIPTION_ANNOTATION] ?? '') !== '') return {};
    // Names the cached resourceVersion: a ConfigMap changed meanwhile is looked at again (409, retry).
    await this.#client.update({ ...cm, metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } }, data }, { signal });
    return {};
  }
}

/** The root CA publisher, as the runner and the registry see it (upstream's names). */
export const rootCaCertPublisherController: ControllerDescriptor = {
  name: 'root-ca-certificate-publisher-controller',
  aliases: ['root-ca-cert-publisher'],
  primary: namespaceType,
  watches: [{ type: configMapType, scope: CONFIGMAP_SCOPE, mapTo: (cm) => [cm.metadata.namespace ?? ''] }],
  workers: 2,
  create: (ctx) => new RootCaCertPublisher(ctx),
};
