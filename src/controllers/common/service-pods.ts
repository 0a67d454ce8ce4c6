/**
 * What the Endpoints and EndpointSlice controllers share: which services are managed (those
 * with a selector, except `default/kubernetes`, whose endpoints the apiserver keeps), which pods
 * back a service, and the pod port a service port's `targetPort` resolves to.
 */
import { serviceType } from '../../api/core/v1/service.ts';
import { isObject, objects, str } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { ControllerContext } from '../controller.ts';
import { NAMESPACE_INDEX, objectKey } from '../../client/index.ts';
import { isPodFinished, isPodTerminating } from './pod-state.ts';

/** The label selector of a service (undefined: the service has none and its endpoints are hand-made). */
export function serviceSelector(svc: KubeObject): Record<string, string> | undefined {
  const sel: unknown = isObject(svc.spec) ? svc.spec.selector : undefined;
  if (!isObject(sel) || Object.keys(sel).length === 0) return undefined;
  return sel;
}

/** Whether the endpoint controllers maintain this service's endpoints. */
export function isManagedService(svc: KubeObject): boolean {
  if (svc.metadata.namespace === 'default' && svc.metadata.name === 'kubernetes') return false;
  if (isObject(svc.spec) && svc.spec.type === 'ExternalName') return false;
  return serviceSelector(svc) !== undefined;
}

/** Whether a service is headless (`clusterIP: None`). */
export function isHeadless(svc: KubeObject): boolean {
  return isObject(svc.spec) && svc.spec.clusterIP === 'None';
}

/** Whether the service selects the pod (same namespace, every selector label present). */
export function selectsPod(svc: KubeObject, pod: KubeObject): boolean {
  const sel = serviceSelector(svc);
  if (sel === undefined || svc.metadata.namespace !== pod.metadata.namespace) return false;
  return Object.entries(sel).every(([k, v]) => pod.metadata.labels?.[k] === v);
}

/** The pod's IP, '' when it has none yet. */
export function podIP(pod: KubeObject): string {
  if (!isObject(pod.status)) return '';
  const ips = objects(pod.status.podIPs);
  return str(ips[0]?.ip) || str(pod.status.podIP);
}

/**
 * Whether the pod is an endpoint at all: it has an IP, has not finished, and — unless
 * `includeTerminating` — is not being deleted.
 */
export function podIsEndpoint(pod: KubeObject, includeTerminating: boolean): boolean {
  if (podIP(pod) === '' || isPodFinished(pod)) return false;
  return includeTerminating || !isPodTerminating(pod);
}

/**
 * The pod port a service port sends to: a numeric targetPort as is; a named one looked up among
 * the ports of the pod's containers (and sidecar init containers) with the same protocol.
 * Undefined when the name matches nothing in this pod.
 */
export function resolveTargetPort(pod: KubeObject, servicePort: Record<string, any>): number | undefined {
  const target: unknown = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (typeof target !== 'string' || target === '') return typeof servicePort.port === 'number' ? servicePort.port : undefined;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = str(servicePort.protocol) || 'TCP';
  const spec = isObject(pod.spec) ? pod.spec : {};
  const containers = [...objects(spec.containers), ...objects(spec.initContainers).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const p of objects(c.ports)) {
      if (p.name === target && (str(p.protocol) || 'TCP') === protocol && typeof p.containerPort === 'number') return p.containerPort;
    }
  }
  return undefined;
}

/** The keys of the managed services in the pod's namespace that select it. */
export function servicesOfPod(pod: KubeObject, ctx: ControllerContext): string[] {
  return ctx.informers
    .informerFor(serviceType)
    .store.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')
    .filter((svc) => isManagedService(svc) && selectsPod(svc, pod))
    .map((svc) => objectKey(svc));
}

/** The hostname a pod has in a headless service's DNS: its spec.hostname when its subdomain is that service. */
export function podHostname(pod: KubeObject, svc: KubeObject): string | undefined {
  const spec = isObject(pod.spec) ? pod.spec : {};
  return str(spec.hostname) !== '' && str(spec.subdomain) === svc.metadata.name ? str(spec.hostname) : undefined;
}
