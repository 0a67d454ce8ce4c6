/**
 * What every cluster has from the start: the namespaces default, kube-system, kube-public and
 * kube-node-lease. Created if missing at every start (several apiservers may race: an
 * AlreadyExists from another one is fine).
 */
import { ApiError } from './errors.ts';
import type { ApiRegistry } from './registry/api-registry.ts';

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

/** What the `default/kubernetes` Service points at. */
export interface KubernetesServiceOptions {
  /** Its ClusterIP: the first address of the service range. */
  readonly clusterIP: string;
  /** The apiservers' secure port (the Service's targetPort; the Service itself listens on 443). */
  readonly apiServerPort: number;
}

/**
 * Creates the `default/kubernetes` Service if it is missing (port 443 `https` → the apiserver
 * port, the range's first ClusterIP, labels component=apiserver and provider=kubernetes), and
 * brings its port back to that shape if it was changed. Its endpoints are the live apiservers,
 * maintained elsewhere. Several apiservers may race: AlreadyExists and lost updates are fine.
 */
export async function ensureKubernetesService(registry: ApiRegistry, opts: KubernetesServiceOptions): Promise<void> {
  const services = registry.lookup('', 'v1', 'services')?.store;
  if (services === undefined) throw new Error('services are not registered');
  const ports = [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.apiServerPort }];
  try {
    const existing = await services.get('default', 'kubernetes');
    const spec = existing.spec as { ports?: unknown } | undefined;
    if (JSON.stringify(spec?.ports) === JSON.stringify(ports)) return;
    await services.guaranteedUpdate('default', 'kubernetes', 'main', { dryRun: false }, undefined, (current) => {
      (current.spec as { ports?: unknown }).ports = ports;
      return current;
    });
    return;
  } catch (err) {
    if (!(err instanceof ApiError && err.reason === 'NotFound')) throw err;
  }
  try {
    await services.create(
      'default',
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { type: 'ClusterIP', clusterIP: opts.clusterIP, ports, sessionAffinity: 'None' },
      },
      { dryRun: false },
    );
  } catch (err) {
    if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
  }
}
