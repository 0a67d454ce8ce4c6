/**
 * The four RBAC kinds. They are stored and validated here; the authorizer that would enforce
 * them is a separate concern (authz/authorizer.ts).
 */
import { validateClusterRole, validateRole } from '../../../api/rbac/v1/role.ts';
import {
  defaultRoleBinding,
  roleBindingTableColumns,
  roleBindingTableRow,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateRoleBinding,
  validateRoleBindingUpdate,
} from '../../../api/rbac/v1/role-binding.ts';
import { clusterRoleBindingType, clusterRoleType, nameIsPathSegment, roleBindingType, roleType } from '../../../api/rbac/v1/rbac-types.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';


export const roleStrategy: ResourceStrategy = defineStrategy({
  type: roleType,
  nameValidator: nameIsPathSegment,
  validateCreate: validateRole,
  validateUpdate: validateRole,
});

export const clusterRoleStrategy: ResourceStrategy = defineStrategy({
  type: clusterRoleType,
  nameValidator: nameIsPathSegment,
  validateCreate: validateClusterRole,
  validateUpdate: validateClusterRole,
});

export const roleBindingStrategy: ResourceStrategy = defineStrategy({
  type: roleBindingType,
  nameValidator: nameIsPathSegment,
  applyDefaults: defaultRoleBinding,
  validateCreate: validateRoleBinding,
  validateUpdate: validateRoleBindingUpdate,
  tableColumns: roleBindingTableColumns,
  tableRow: roleBindingTableRow,
});

export const clusterRoleBindingStrategy: ResourceStrategy = defineStrategy({
  type: clusterRoleBindingType,
  nameValidator: nameIsPathSegment,
  applyDefaults: defaultRoleBinding,
  validateCreate: validateClusterRoleBinding,
  validateUpdate: validateClusterRoleBindingUpdate,
  tableColumns: roleBindingTableColumns,
  tableRow: roleBindingTableRow,
});
