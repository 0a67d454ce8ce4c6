/**
 * The Endpoints controller keeps one `Endpoints` object per Service that has a selector, named
 * after the Service: the IPs of the selected pods that have one, grouped into subsets by the
 * ports they expose (a named targetPort resolves per pod, so pods may differ), ready pods under
 * `addresses`, the others under `notReadyAddresses` (unless `publishNotReadyAddresses`).
 * Pods being deleted or finished are left out. Services without a selector, and
 * `default/kubernetes`, are left to whoever writes their endpoints; a deleted Service loses its
 * Endpoints.
 */
import { endpointsType } from '../../api/core/v1/endpoints.ts';
import { podType } from '../../api/core/v1/pod.ts';
import { serviceType } from '../../api/core/v1/service.ts';
import { isObject, objects, str } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { isAlreadyExists, isNotFound, NAMESPACE_INDEX, objectKey, splitKey } from '../../client/index.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import { isPodReady, podNodeName } from '../common/pod-state.ts';
import { isHeadless, isManagedService, podHostname, podIP, podIsEndpoint, resolveTargetPort, selectsPod, servicesOfPod } from '../common/service-pods.ts';

/** The label every Endpoints of a headless service carries. */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
/** Most addresses one Endpoints object holds; beyond that it is truncated and says so. */
export const MAX_ENDPOINT_ADDRESSES = 1000;
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';

interface Address {
  ip: string;
  nodeName?: string;
  hostname?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
}

/** The subsets of a service's Endpoints, from its pods (sorted, so equal states compare equal). */
export function endpointSubsets(svc: KubeObject, pods: readonly KubeObject[]): { subsets: Record<string, unknown>[]; truncated: boolean } {
  const ports = objects(isObject(svc.spec) ? svc.spec.ports : undefined);
  const publishNotReady = isObject(svc.spec) && svc.spec.publishNotReadyAddresses === true;
  const groups = new Map<string, { ports: Record<string, unknown>[]; ready: Address[]; notReady: Address[] }>();
  let total = 0;
  for (const pod of pods) {
    if (!podIsEndpoint(pod, false)) continue;
    const podPorts: Record<string, unknown>[] = [];
    for (const sp of ports) {
      const port = resolveTargetPort(pod, sp);
      if (port === undefined) continue;
      podPorts.push({ ...(str(sp.name) === '' ? {} : { name: sp.name }), port, protocol: str(sp.protocol) || 'TCP', ...(str(sp.appProtocol) === '' ? {} : { appProtocol: sp.appProtocol }) });
    }
    // A pod that exposes none of the service's ports serves nothing (headless services without ports excepted).
    if (ports.length > 0 && podPorts.length === 0) continue;
    const hostname = podHostname(pod, svc);
    const address: Address = {
      ip: podIP(pod),
      ...(podNodeName(pod) === '' ? {} : { nodeName: podNodeName(pod) }),
      ...(hostname === undefined ? {} : { hostname }),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
    };
    podPorts.sort((a, b) => str(a.name).localeCompare(str(b.name)) || Number(a.port) - Number(b.port));
    const key = JSON.stringify(podPorts);
    let group = groups.get(key);
    if (group === undefined) {
      group = { ports: podPorts, ready: [], notReady: [] };
      groups.set(key, group);
    }
    (publishNotReady || isPodReady(pod) ? group.ready : group.notReady).push(address);
    total++;
  }
  const byIP = (a: Address, b: Address): number => a.ip.localeCompare(b.ip) || a.targetRef.uid.localeCompare(b.targetRef.uid);
  let budget = MAX_ENDPOINT_ADDRESSES;
  const subsets = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([, g]) => {
      const ready = g.ready.sort(byIP).slice(0, Math.max(0, budget));
      budget -= ready.length;
      const notReady = g.notReady.sort(byIP).slice(0, Math.max(0, budget));
      budget -= notReady.length;
      if (ready.length === 0 && notReady.length === 0) return [];
      return [{ ...(ready.length > 0 ? { addresses: ready } : {}), ...(notReady.length > 0 ? { notReadyAddresses: notReady } : {}), ...(g.ports.length > 0 ? { ports: g.ports } : {}) }];
    });
  return { subsets, truncated: total > MAX_ENDPOINT_ADDRESSES };
}

/** Reconciles the Endpoints of one Service by key; see the file comment. */
export class EndpointsReconciler implements Reconciler {
  readonly #services: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #endpoints: Informer<KubeObject>;
  readonly #client: ResourceClient;

  constructor(ctx: ControllerContext) {
    this.#services = ctx.informers.informerFor(serviceType);
    this.#pods = ctx.informers.informerFor(podType);
    this.#endpoints = ctx.informers.informerFor(endpointsType);
    this.#client = ctx.clientset.resource(endpointsType);
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    if (key === 'default/kubernetes') return {};
    const svc = this.#services.store.get(key);
    const current = this.#endpoints.store.get(key);
    if (svc === undefined) {
      if (current !== undefined) await this.#delete(key, signal);
      return {};
    }
    if (!isManagedService(svc)) return {};
    const pods = this.#pods.store.byIndex(NAMESPACE_INDEX, svc.metadata.namespace ?? '').filter((p) => selectsPod(svc, p));
    const { subsets, truncated } = endpointSubsets(svc, pods);
    const labels: Record<string, string> = { ...svc.metadata.labels };
    if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
    else delete labels[HEADLESS_LABEL];
    const annotations: Record<string, string> = { ...current?.metadata.annotations };
    if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
    else delete annotations[OVER_CAPACITY_ANNOTATION];
    const desired: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        ...(current?.metadata ?? { name: svc.metadata.name, namespace: svc.metadata.namespace }),
        labels,
        ...(Object.keys(annotations).length > 0 ? { annotations } : { annotations: undefined }),
      },
      subsets,
    };
    if (current !== undefined) {
      if (deepEqual(current.subsets ?? [], subsets) && deepEqual(current.metadata.labels ?? {}, labels) && deepEqual(current.metadata.annotations ?? {}, annotations)) return {};
      await this.#client.update(desired, { signal });
      return {};
    }
    try {
      await this.#client.create(desired, { signal });
    } catch (err) {
      // Created by a previous attempt whose answer was lost, or by a user: the cache will show it, then we update it.
      if (!isAlreadyExists(err)) throw err;
    }
    return {};
  }

  async #delete(key: string, signal: AbortSignal): Promise<void> {
    const { namespace, name } = splitKey(key);
    try {
      await this.#client.delete(name, { namespace, signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** The Endpoints controller, as the runner and the registry see it. */
export const endpointsController: ControllerDescriptor = {
  name: 'endpoints-controller',
  aliases: ['endpoint'],
  primary: serviceType,
  watches: [
    { type: podType, mapTo: servicesOfPod },
    // An Endpoints object changed or deleted by someone else is put back; one left by a deleted service goes.
    { type: endpointsType, mapTo: (ep) => [objectKey(ep)] },
  ],
  workers: 5,
  create: (ctx) => new EndpointsReconciler(ctx),
};
