/**
 * What every cluster has from the start, created if missing at every apiserver start (several
 * apiservers may race: an AlreadyExists from another one is fine):
 * - the namespaces default, kube-system, kube-public and kube-node-lease;
 * - the PriorityClasses system-cluster-critical and system-node-critical;
 * - the `kubernetes` Service in `default`: port 443 (named `https`) to the apiservers' secure
 *   port, on the first address of the Service ClusterIP range. Its Endpoints and EndpointSlice
 *   are kept by the endpoint reconciler (endpoint-reconciler.ts), not by a selector.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { KubeObject } from '../api/meta/types.ts';
import { SYSTEM_PRIORITY_CLASSES, systemPriorityClass } from '../api/scheduling/v1/priority-class.ts';
import { formatIpv4, parseIpv4Cidr } from '../util/ipv4-range.ts';
import { ApiError, badRequest } from './errors.ts';
import type { ApiRegistry } from './registry/api-registry.ts';
import { createOrUpdate, deleteIfExists, getIfExists } from './system-objects.ts';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export async function ensureSystemNamespaces(registry: ApiRegistry): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    if ((await registry.namespaceState(name)) !== 'missing') continue;
    try {
      await registry.namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { dryRun: false });
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
    }
  }
}

/** Creates the built-in PriorityClasses that are missing (an existing one is left as it is: its value is immutable). */
export async function ensureSystemPriorityClasses(registry: ApiRegistry): Promise<void> {
  const served = registry.lookup('scheduling.k8s.io', 'v1', 'priorityclasses');
  if (served === undefined) throw new Error('priorityclasses are not registered');
  for (const c of SYSTEM_PRIORITY_CLASSES) {
    if ((await getIfExists(served.store, '', c.name)) !== undefined) continue;
    try {
      await served.store.create('', systemPriorityClass(c), { dryRun: false });
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
    }
  }
}

export const KUBERNETES_SERVICE_NAME = 'kubernetes';
/** The port clients in the cluster use for the `kubernetes` Service. */
export const KUBERNETES_SERVICE_PORT = 443;

/**
 * The first usable address of an IPv4 CIDR (`127.11.4.0/24` → `127.11.4.1`): upstream gives it to
 * the `kubernetes` Service, and the ClusterIP allocator keeps it out of its pool.
 * @throws ApiError (400) naming the range when it is not an IPv4 CIDR with room for it
 */
export function kubernetesServiceIp(serviceClusterIpRange: string): string {
  let range;
  try {
    range = parseIpv4Cidr(serviceClusterIpRange);
  } catch {
    range = undefined;
  }
  if (range === undefined || range.prefixLength > 30) {
    throw badRequest(`service cluster IP range ${JSON.stringify(serviceClusterIpRange)} must be an IPv4 CIDR of at least 4 addresses, like 10.96.0.0/12`);
  }
  return formatIpv4(range.first + 1);
}

export interface KubernetesServiceOptions {
  /** The ClusterIP range; the Service gets its first address. */
  readonly serviceClusterIpRange: string;
  /** The apiservers' secure port (the Service's targetPort). */
  readonly targetPort: number;
}

/**
 * Creates the `kubernetes` Service in `default`, or brings its ports back to what they must be.
 * A ClusterIP is immutable, so a Service with another one than the range's first address (data
 * restored from another cluster's snapshot) is deleted and created again.
 */
export async function ensureKubernetesService(registry: ApiRegistry, opts: KubernetesServiceOptions): Promise<KubeObject> {
  const served = registry.lookup('', 'v1', 'services');
  if (served === undefined) throw new Error('services are not registered');
  const clusterIP = kubernetesServiceIp(opts.serviceClusterIpRange);
  const existing = await getIfExists(served.store, 'default', KUBERNETES_SERVICE_NAME);
  const existingIP = (existing?.spec as { clusterIP?: unknown } | undefined)?.clusterIP;
  if (existing !== undefined && existingIP !== clusterIP) {
    await deleteIfExists(served.store, 'default', KUBERNETES_SERVICE_NAME, existing.metadata.resourceVersion);
  }
  const ports = [{ name: 'https', protocol: 'TCP', port: KUBERNETES_SERVICE_PORT, targetPort: opts.targetPort }];
  const desired = (current: KubeObject | undefined): KubeObject => {
    if (current !== undefined) {
      const spec = (current.spec ?? {}) as Record<string, unknown>;
      return { ...current, spec: { ...spec, ports } };
    }
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: KUBERNETES_SERVICE_NAME, namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        type: 'ClusterIP',
        clusterIP,
        clusterIPs: [clusterIP],
        ports,
        sessionAffinity: 'None',
      },
    };
  };
  // Apiservers starting together race for the Service: the loser finds the address already
  // allocated (422) while the winner is still writing the Service, so it looks again shortly.
  for (let attempt = 1; ; attempt++) {
    try {
      return await createOrUpdate(served.store, 'default', KUBERNETES_SERVICE_NAME, desired);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 422) || attempt >= RACE_ATTEMPTS) throw err;
      await delay(RACE_RETRY_MS);
    }
  }
}

/** How often, and how far apart, a start that lost the race for the Service's address looks again (~5 s in all). */
const RACE_ATTEMPTS = 20;
const RACE_RETRY_MS = 250;
