/**
 * The EndpointSlice controller keeps the EndpointSlices of every Service that has a selector
 * (except `default/kubernetes`): one endpoint per selected pod that has an IP, with
 *   conditions.ready       — the pod is Ready and not terminating (always, with publishNotReadyAddresses),
 *   conditions.serving     — the pod is Ready, terminating or not,
 *   conditions.terminating — the pod is being deleted,
 * plus its nodeName, targetRef and (for headless services) hostname. Pods whose named
 * targetPorts resolve to different numbers go into different slices (a slice has one port
 * list); a slice holds at most MAX_ENDPOINTS_PER_SLICE endpoints. Slices are labelled with
 * `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by`, named
 * `<service>-<random>` and owned by the Service, so the garbage collector removes them with it.
 * Existing slices are reused (updated in place) before new ones are created; surplus ones are
 * deleted.
 */
import { podType } from '../../api/core/v1/pod.ts';
import { serviceType } from '../../api/core/v1/service.ts';
import { endpointSliceType } from '../../api/discovery/v1/endpoint-slice.ts';
import { isObject, objects, str } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { isNotFound, NAMESPACE_INDEX, objectKey } from '../../client/index.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import { WriteExpectations } from '../common/expectations.ts';
import { isControlledBy, newControllerRef } from '../common/owner-refs.ts';
import { isPodReady, isPodTerminating, podNodeName } from '../common/pod-state.ts';
import { isHeadless, isManagedService, podHostname, podIP, podIsEndpoint, resolveTargetPort, selectsPod, servicesOfPod } from '../common/service-pods.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
const HEADLESS_LABEL = 'service.kubernetes.io/headless';
/** Upstream's default `--max-endpoints-per-slice`. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** One slice's content: its ports and endpoints (sorted, so equal states compare equal). */
export interface SliceContent {
  ports: Record<string, unknown>[];
  endpoints: Record<string, unknown>[];
}

/** The slices a service should have, from its pods. */
export function desiredSlices(svc: KubeObject, pods: readonly KubeObject[]): SliceContent[] {
  const servicePorts = objects(isObject(svc.spec) ? svc.spec.ports : undefined);
  const publishNotReady = isObject(svc.spec) && svc.spec.publishNotReadyAddresses === true;
  const groups = new Map<string, SliceContent>();
  for (const pod of pods) {
    if (!podIsEndpoint(pod, true)) continue;
    const ports: Record<string, unknown>[] = [];
    for (const sp of servicePorts) {
      const port = resolveTargetPort(pod, sp);
      if (port === undefined) continue;
      ports.push({ name: str(sp.name), port, protocol: str(sp.protocol) || 'TCP', ...(str(sp.appProtocol) === '' ? {} : { appProtocol: sp.appProtocol }) });
    }
    if (servicePorts.length > 0 && ports.length === 0) continue;
    ports.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    const ready = isPodReady(pod);
    const terminating = isPodTerminating(pod);
    const hostname = podHostname(pod, svc);
    const endpoint = {
      addresses: [podIP(pod)],
      conditions: { ready: publishNotReady || (ready && !terminating), serving: publishNotReady || ready, terminating },
      ...(hostname === undefined ? {} : { hostname }),
      ...(podNodeName(pod) === '' ? {} : { nodeName: podNodeName(pod) }),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    };
    const key = JSON.stringify(ports);
    const group = groups.get(key) ?? { ports, endpoints: [] };
    group.endpoints.push(endpoint);
    groups.set(key, group);
  }
  const slices: SliceContent[] = [];
  for (const [, group] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    group.endpoints.sort((a, b) => String((a.addresses as string[])[0]).localeCompare(String((b.addresses as string[])[0])));
    for (let i = 0; i < group.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) slices.push({ ports: group.ports, endpoints: group.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
  }
  // A service that selects nothing still gets one empty placeholder slice, as upstream keeps.
  if (slices.length === 0) slices.push({ ports: [], endpoints: [] });
  return slices;
}

function sliceLabels(svc: KubeObject): Record<string, string> {
  const labels: Record<string, string> = { ...svc.metadata.labels, [SERVICE_NAME_LABEL]: svc.metadata.name ?? '', [MANAGED_BY_LABEL]: MANAGED_BY };
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}

function addressType(svc: KubeObject): string {
  const families: unknown = isObject(svc.spec) ? svc.spec.ipFamilies : undefined;
  return Array.isArray(families) && families[0] === 'IPv6' ? 'IPv6' : 'IPv4';
}

/** Reconciles the EndpointSlices of one Service by key; see the file comment. */
export class EndpointSliceReconciler implements Reconciler {
  readonly #services: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #slices: Informer<KubeObject>;
  readonly #client: ResourceClient;
  /** Slices written per service: until the slice cache has seen them, a reconcile would count wrong. */
  readonly #expectations = new WriteExpectations();

  constructor(ctx: ControllerContext) {
    this.#services = ctx.informers.informerFor(serviceType);
    this.#pods = ctx.informers.informerFor(podType);
    this.#slices = ctx.informers.informerFor(endpointSliceType);
    this.#client = ctx.clientset.resource(endpointSliceType);
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const svc = this.#services.store.get(key);
    // Slices of a deleted service are the garbage collector's (they are owned by it).
    if (svc === undefined || !isManagedService(svc)) {
      this.#expectations.forget(key);
      return {};
    }
    // The slice events of our own writes will queue the service again.
    if (!this.#expectations.satisfied(key)) return {};
    const existing = this.#slices.store
      .byIndex(NAMESPACE_INDEX, svc.metadata.namespace ?? '')
      .filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY)
      .filter((s) => s.metadata.deletionTimestamp === undefined);
    const pods = this.#pods.store.byIndex(NAMESPACE_INDEX, svc.metadata.namespace ?? '').filter((p) => selectsPod(svc, p));
    const wanted = desiredSlices(svc, pods);
    const labels = sliceLabels(svc);
    const type = addressType(svc);
    // Reuse first the slices whose ports already match, then any others of the right address type.
    const pool = existing.filter((s) => isControlledBy(s, svc) && s.addressType === type);
    const stale = existing.filter((s) => !pool.includes(s));
    const writes: Promise<string | undefined>[] = [];
    const unmatched: SliceContent[] = [];
    for (const content of wanted) {
      const i = pool.findIndex((s) => deepEqual(s.ports ?? [], content.ports));
      if (i < 0) {
        unmatched.push(content);
        continue;
      }
      const [slice] = pool.splice(i, 1) as [KubeObject];
      writes.push(this.#write(svc, slice, content, labels, type, signal));
    }
    for (const content of unmatched) {
      const slice = pool.shift();
      writes.push(this.#write(svc, slice, content, labels, type, signal));
    }
    for (const slice of [...pool, ...stale]) writes.push(this.#delete(slice, signal));
    const versions = await Promise.allSettled(writes);
    for (const v of versions) if (v.status === 'fulfilled') this.#expectations.expect(key, this.#slices, v.value);
    const failed = versions.find((v): v is PromiseRejectedResult => v.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return {};
  }

  /** Creates or updates one slice; returns the resourceVersion written (undefined: nothing to write). */
  async #write(svc: KubeObject, slice: KubeObject | undefined, content: SliceContent, labels: Record<string, string>, type: string, signal: AbortSignal): Promise<string | undefined> {
    if (slice === undefined) {
      const created = await this.#client.create(
        {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { generateName: `${svc.metadata.name}-`, namespace: svc.metadata.namespace, labels, ownerReferences: [newControllerRef(svc, serviceType)] },
          addressType: type,
          endpoints: content.endpoints,
          ports: content.ports,
        },
        { signal },
      );
      return created.metadata.resourceVersion;
    }
    if (deepEqual(slice.endpoints ?? [], content.endpoints) && deepEqual(slice.ports ?? [], content.ports) && deepEqual(slice.metadata.labels ?? {}, labels)) return undefined;
    const updated = await this.#client.update({ ...slice, metadata: { ...slice.metadata, labels }, endpoints: content.endpoints, ports: content.ports }, { signal });
    return updated.metadata.resourceVersion;
  }

  async #delete(slice: KubeObject, signal: AbortSignal): Promise<string | undefined> {
    try {
      const gone = await this.#client.delete(slice.metadata.name ?? '', { namespace: slice.metadata.namespace, preconditions: { uid: slice.metadata.uid }, signal });
      return gone.metadata.resourceVersion;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return undefined;
    }
  }
}

/** The EndpointSlice controller, as the runner and the registry see it. */
export const endpointSliceController: ControllerDescriptor = {
  name: 'endpointslice-controller',
  aliases: ['endpointslice'],
  primary: serviceType,
  watches: [
    { type: podType, mapTo: servicesOfPod },
    {
      type: endpointSliceType,
      mapTo: (slice) =>
        slice.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY && slice.metadata.labels[SERVICE_NAME_LABEL] !== undefined
          ? [objectKey({ metadata: { namespace: slice.metadata.namespace, name: slice.metadata.labels[SERVICE_NAME_LABEL] } })]
          : [],
    },
  ],
  workers: 5,
  create: (ctx) => new EndpointSliceReconciler(ctx),
};
