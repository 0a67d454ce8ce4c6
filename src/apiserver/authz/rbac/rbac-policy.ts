/**
 * The RBAC objects the authorizer evaluates, read from the apiserver's watch caches of the four
 * kinds (as upstream's authorizer reads informer caches): no storage read per request. The
 * compiled view is rebuilt only when one of the caches moved past the revision it was built at,
 * so a request costs a lookup while the RBAC objects stay as they are.
 */
import type { KubeObject } from '../../../api/meta/types.ts';
import type { ResourceType } from '../../../api/resource-type.ts';
import { clusterRoleBindingType, clusterRoleType, roleBindingType, roleType } from '../../../api/rbac/v1/rbac-types.ts';
import type { ApiRegistry } from '../../registry/api-registry.ts';
import { collectionPrefix } from '../../registry/keys.ts';
import type { WatchCache } from '../../registry/watch-cache.ts';
import { readBinding, type Binding, type RoleRef } from './binding.ts';
import { readPolicyRules, type ReadRule } from './policy-rule.ts';

/** The RBAC objects of the cluster as of one moment. */
export interface RbacPolicy {
  readonly clusterRoleBindings: readonly Binding[];
  /** The RoleBindings of one namespace. */
  roleBindings(namespace: string): readonly Binding[];
  /**
   * The rules of the role `ref` names, for a binding in `namespace` ('' for cluster bindings);
   * undefined when that role does not exist.
   */
  rulesOf(ref: RoleRef, namespace: string): readonly ReadRule[] | undefined;
}

/** The current policy; cheap to call on every request. */
export type RbacPolicySource = () => RbacPolicy;

/** A policy of plain objects (for tests and for the watch-cache source). */
export function policyOf(objects: { roles: KubeObject[]; clusterRoles: KubeObject[]; roleBindings: KubeObject[]; clusterRoleBindings: KubeObject[] }): RbacPolicy {
  const roles = new Map<string, ReadRule[]>();
  for (const r of objects.roles) roles.set(`${r.metadata.namespace ?? ''}/${r.metadata.name ?? ''}`, readPolicyRules(r.rules));
  const clusterRoles = new Map<string, ReadRule[]>();
  for (const r of objects.clusterRoles) clusterRoles.set(r.metadata.name ?? '', readPolicyRules(r.rules));
  const byNamespace = new Map<string, Binding[]>();
  for (const obj of objects.roleBindings) {
    const binding = readBinding(obj);
    if (binding === undefined) continue;
    const list = byNamespace.get(binding.namespace);
    if (list === undefined) byNamespace.set(binding.namespace, [binding]);
    else list.push(binding);
  }
  const clusterRoleBindings = objects.clusterRoleBindings.map(readBinding).filter((b): b is Binding => b !== undefined && b.roleRef.kind === 'ClusterRole');
  return {
    clusterRoleBindings,
    roleBindings: (namespace) => byNamespace.get(namespace) ?? [],
    rulesOf: (ref, namespace) => (ref.kind === 'ClusterRole' ? clusterRoles.get(ref.name) : namespace === '' ? undefined : roles.get(`${namespace}/${ref.name}`)),
  };
}

function cacheOf(registry: ApiRegistry, type: ResourceType): WatchCache {
  const served = registry.lookup(type.group, type.version, type.resource);
  if (served === undefined) throw new Error(`${type.resource}.${type.group} are not registered`);
  return served.store.cache;
}

/** The policy as the apiserver's watch caches hold it (the RBAC kinds must be registered). */
export function cachedRbacPolicy(registry: ApiRegistry): RbacPolicySource {
  const types = [roleType, clusterRoleType, roleBindingType, clusterRoleBindingType];
  let builtAt = '';
  let policy: RbacPolicy | undefined;
  return () => {
    const caches = types.map((t) => cacheOf(registry, t));
    const revisions = caches.map((c) => c.revision).join(',');
    if (policy === undefined || revisions !== builtAt) {
      const [roles, clusterRoles, roleBindings, clusterRoleBindings] = caches.map((c, i) => c.list(collectionPrefix(types[i]!, '')));
      policy = policyOf({ roles: roles!, clusterRoles: clusterRoles!, roleBindings: roleBindings!, clusterRoleBindings: clusterRoleBindings! });
      builtAt = revisions;
    }
    return policy;
  };
}
