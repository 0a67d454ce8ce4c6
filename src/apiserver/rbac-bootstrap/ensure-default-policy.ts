/**
 * Puts the default RBAC policy (default-policy.ts) in place at every apiserver start: missing
 * objects are created, stored ones completed as reconcile-policy.ts says. Several apiservers of
 * an HA cluster run this at once; the create-or-update helpers retry lost races on the fresh
 * object, and completing an object twice gives the same object, so they converge.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { clusterRoleBindingType, clusterRoleType } from '../../api/rbac/v1/rbac-types.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import type { ApiRegistry } from '../registry/api-registry.ts';
import type { GenericStore } from '../registry/generic-store.ts';
import { createOrUpdate, deleteIfExists, getIfExists } from '../system-objects.ts';
import { DEFAULT_CLUSTER_ROLE_BINDINGS, DEFAULT_CLUSTER_ROLES } from './default-policy.ts';
import { bindingNeedsRecreate, reconcileClusterRole, reconcileClusterRoleBinding } from './reconcile-policy.ts';

function storeOf(registry: ApiRegistry, type: ResourceType): GenericStore {
  const served = registry.lookup(type.group, type.version, type.resource);
  if (served === undefined) throw new Error(`${type.resource}.${type.group} are not registered`);
  return served.store;
}

/** Creates every missing default ClusterRole and ClusterRoleBinding and completes the stored ones. */
export async function ensureDefaultPolicy(registry: ApiRegistry): Promise<void> {
  const roles = storeOf(registry, clusterRoleType);
  for (const role of DEFAULT_CLUSTER_ROLES) {
    await createOrUpdate(roles, '', role.metadata.name ?? '', (current) => (current === undefined ? structuredClone(role) : reconcileClusterRole(current, role)));
  }
  const bindings = storeOf(registry, clusterRoleBindingType);
  for (const binding of DEFAULT_CLUSTER_ROLE_BINDINGS) await ensureBinding(bindings, binding);
}

async function ensureBinding(store: GenericStore, binding: KubeObject): Promise<void> {
  const name = binding.metadata.name ?? '';
  const stored = await getIfExists(store, '', name);
  // Only this version: another apiserver may have recreated it meanwhile.
  if (stored !== undefined && bindingNeedsRecreate(stored, binding)) await deleteIfExists(store, '', name, stored.metadata.resourceVersion);
  await createOrUpdate(store, '', name, (current) => (current === undefined ? structuredClone(binding) : reconcileClusterRoleBinding(current, binding)));
}
