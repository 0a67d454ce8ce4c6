/**
 * The rbac.authorization.k8s.io/v1 resource types, and the rule for their names: any path
 * segment (role names such as `system:controller:job-controller` carry colons), which is
 * anything but `.` and `..` without `/` or `%`.
 */
import type { ResourceType } from '../../resource-type.ts';
import { NOT_A_STRING_ERROR, type NameValidator } from '../../validation/names.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

function rbacType(kind: string, namespaced: boolean): ResourceType {
  const singular = kind.toLowerCase();
  return { group: RBAC_GROUP, version: 'v1', kind, resource: `${singular}s`, singular, listKind: `${kind}List`, namespaced, shortNames: [], categories: [] };
}

export const roleType: ResourceType = rbacType('Role', true);
export const clusterRoleType: ResourceType = rbacType('ClusterRole', false);
export const roleBindingType: ResourceType = rbacType('RoleBinding', true);
export const clusterRoleBindingType: ResourceType = rbacType('ClusterRoleBinding', false);

/** Why `name` is not a valid path segment (a generateName prefix may be `.` or `..`). */
export function pathSegmentNameErrors(name: unknown, prefix = false): string[] {
  if (typeof name !== 'string') return [NOT_A_STRING_ERROR];
  const errs: string[] = [];
  if (!prefix && (name === '.' || name === '..')) errs.push(`may not be '${name}'`);
  for (const ch of ['/', '%']) if (name.includes(ch)) errs.push(`may not contain '${ch}'`);
  return errs;
}

export const nameIsPathSegment: NameValidator = (name, prefix) => pathSegmentNameErrors(name, prefix);
