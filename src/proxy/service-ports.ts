/**
 * What kube-proxy should serve, computed from Services and EndpointSlices: one ProxiedPort per
 * TCP service port, with the addresses to listen on and the backends to balance over. Pure, so
 * the proxier can recompute it from its caches after any change and diff the result.
 *
 * Skipped, as upstream kube-proxy skips them: ExternalName and headless services (no ClusterIP
 * to serve), services labelled `service.kubernetes.io/service-proxy-name` (another proxy's),
 * and non-TCP ports (this proxy relays TCP only).
 */
import { backendsFromSlices, SERVICE_NAME_LABEL, type ServiceBackend } from '../api/discovery/v1/service-backends.ts';
import { isObject, objects, str, type JsonObject } from '../api/meta/shape.ts';
import type { KubeObject } from '../api/meta/types.ts';

/** Services with this label belong to another proxy implementation. */
export const SERVICE_PROXY_NAME_LABEL = 'service.kubernetes.io/service-proxy-name';
/** The sessionAffinity timeout when a ClientIP service gives none (upstream's default, 3 h). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;

/** Where a service port is listened on. */
export interface ListenAddress {
  readonly address: string;
  readonly port: number;
  /** `cluster`: machine-wide (ClusterIP, external IPs, LB ingress); `node`: this node's NodePort. */
  readonly scope: 'cluster' | 'node';
  /** Only endpoints on this node take connections from here (externalTrafficPolicy Local). */
  readonly nodeLocal: boolean;
}

export interface ProxiedPort {
  /** `namespace/name:portName` (portName '' for an unnamed port). */
  readonly key: string;
  readonly namespace: string;
  readonly service: string;
  readonly portName: string;
  readonly listen: readonly ListenAddress[];
  /** ClientIP affinity timeout in ms, or undefined without affinity. */
  readonly affinityTimeoutMs: number | undefined;
  readonly backends: readonly ServiceBackend[];
}

function affinityTimeoutMs(spec: JsonObject): number | undefined {
  if (spec.sessionAffinity !== 'ClientIP') return undefined;
  const cfg = isObject(spec.sessionAffinityConfig) && isObject(spec.sessionAffinityConfig.clientIP) ? spec.sessionAffinityConfig.clientIP : {};
  const seconds = typeof cfg.timeoutSeconds === 'number' && cfg.timeoutSeconds > 0 ? cfg.timeoutSeconds : DEFAULT_AFFINITY_TIMEOUT_SECONDS;
  return seconds * 1000;
}

/** Groups EndpointSlices by `namespace/service` (their service-name label). */
export function slicesByService(slices: readonly KubeObject[]): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const slice of slices) {
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (service === undefined || service === '') continue;
    const key = `${slice.metadata.namespace ?? ''}/${service}`;
    const list = out.get(key) ?? [];
    list.push(slice);
    out.set(key, list);
  }
  return out;
}

/** The ports to serve, given every Service and every EndpointSlice, for the node at `nodeIp`. */
export function proxiedPorts(services: readonly KubeObject[], slices: ReadonlyMap<string, readonly KubeObject[]>, nodeIp: string): ProxiedPort[] {
  const out: ProxiedPort[] = [];
  for (const svc of services) {
    const spec = isObject(svc.spec) ? svc.spec : {};
    if (svc.metadata.labels?.[SERVICE_PROXY_NAME_LABEL] !== undefined) continue;
    const clusterIP = str(spec.clusterIP);
    if (spec.type === 'ExternalName' || clusterIP === '' || clusterIP === 'None') continue;
    const namespace = svc.metadata.namespace ?? '';
    const name = svc.metadata.name ?? '';
    const serviceSlices = slices.get(`${namespace}/${name}`) ?? [];
    const externalLocal = spec.externalTrafficPolicy === 'Local';
    const externalIPs = [
      ...(Array.isArray(spec.externalIPs) ? spec.externalIPs.map(str) : []),
      ...(isObject(svc.status) && isObject(svc.status.loadBalancer) ? objects(svc.status.loadBalancer.ingress).map((i) => str(i.ip)) : []),
    ].filter((ip) => ip !== '' && ip !== clusterIP);
    for (const port of objects(spec.ports)) {
      if ((str(port.protocol) || 'TCP') !== 'TCP' || typeof port.port !== 'number') continue;
      const portName = str(port.name);
      const listen: ListenAddress[] = [{ address: clusterIP, port: port.port, scope: 'cluster', nodeLocal: false }];
      for (const ip of new Set(externalIPs)) listen.push({ address: ip, port: port.port, scope: 'cluster', nodeLocal: externalLocal });
      if (typeof port.nodePort === 'number' && port.nodePort > 0 && (spec.type === 'NodePort' || spec.type === 'LoadBalancer')) {
        listen.push({ address: nodeIp, port: port.nodePort, scope: 'node', nodeLocal: externalLocal });
      }
      out.push({
        key: `${namespace}/${name}:${portName}`,
        namespace,
        service: name,
        portName,
        listen,
        affinityTimeoutMs: affinityTimeoutMs(spec),
        backends: backendsFromSlices(serviceSlices, portName, 'TCP'),
      });
    }
  }
  return out;
}
