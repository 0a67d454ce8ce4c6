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
