/**
 * Which addresses serve a Service port, read from its EndpointSlices (or, for clients that
 * only have it, its Endpoints object). Shared by kube-proxy and the apiserver's services/proxy,
 * so both pick from the same set:
 *
 * - an endpoint counts when its slice has a port of the service port's name (and protocol), and
 *   its `ready` condition is true (an absent condition means ready, as the API defines);
 * - when no endpoint is ready, endpoints that are `serving` and `terminating` are used instead,
 *   so a rolling restart does not refuse connections while the old pods still answer (as
 *   upstream kube-proxy does since 1.28);
 * - an address that appears in several slices (during a slice update) counts once.
 */
import { isObject, objects, str } from '../../meta/shape.ts';
import type { KubeObject } from '../../meta/types.ts';

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** One address and port that can take a connection for a service port. */
export interface ServiceBackend {
  readonly ip: string;
  readonly port: number;
  /** The node the endpoint runs on ('' when unknown). */
  readonly nodeName: string;
}

function condition(ep: Record<string, unknown>, name: string, absent: boolean): boolean {
  const conditions = isObject(ep.conditions) ? ep.conditions : {};
  const value = conditions[name];
  return typeof value === 'boolean' ? value : absent;
}

/**
 * The backends of the service port named `portName` (`''` for a single unnamed port) with
 * `protocol`, from the service's EndpointSlices (already filtered to this service), sorted by
 * address for a stable order.
 */
export function backendsFromSlices(slices: readonly KubeObject[], portName: string, protocol = 'TCP'): ServiceBackend[] {
  const ready = new Map<string, ServiceBackend>();
  const fallback = new Map<string, ServiceBackend>();
  for (const slice of slices) {
    const type = str(slice.addressType);
    if (type !== 'IPv4' && type !== 'IPv6') continue;
    const port = objects(slice.ports).find((p) => str(p.name) === portName && (str(p.protocol) || 'TCP') === protocol);
    if (port === undefined || typeof port.port !== 'number') continue;
    for (const ep of objects(slice.endpoints)) {
      const address = Array.isArray(ep.addresses) ? str(ep.addresses[0]) : '';
      if (address === '') continue;
      const backend: ServiceBackend = { ip: address, port: port.port, nodeName: str(ep.nodeName) };
      const key = `${address}:${port.port}`;
      const into = condition(ep, 'ready', true) ? ready : condition(ep, 'serving', false) && condition(ep, 'terminating', false) ? fallback : undefined;
      if (into !== undefined && !into.has(key)) into.set(key, backend);
    }
  }
  const chosen = ready.size > 0 ? ready : fallback;
  return [...chosen.values()].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

/** The ready backends of the port named `portName` in a core/v1 Endpoints object. */
export function backendsFromEndpoints(endpoints: KubeObject, portName: string, protocol = 'TCP'): ServiceBackend[] {
  const out = new Map<string, ServiceBackend>();
  for (const subset of objects(endpoints.subsets)) {
    const port = objects(subset.ports).find((p) => str(p.name) === portName && (str(p.protocol) || 'TCP') === protocol);
    if (port === undefined || typeof port.port !== 'number') continue;
    for (const addr of objects(subset.addresses)) {
      const ip = str(addr.ip);
      if (ip !== '') out.set(`${ip}:${port.port}`, { ip, port: port.port, nodeName: str(addr.nodeName) });
    }
  }
  return [...out.values()].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}
