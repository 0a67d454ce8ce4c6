/**
 * RoleBindings and ClusterRoleBindings: who (users, groups, service accounts) gets which role.
 * Defaults fill the API group of subjects and of the role reference; validation checks the
 * reference (a RoleBinding may name a Role or a ClusterRole, a ClusterRoleBinding only a
 * ClusterRole), every subject, and that the role reference never changes. Tables show ROLE
 * (`Kind/name`) and, wide, the USERS / GROUPS / SERVICEACCOUNTS bound.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { asArray, isObject, objects, str } from '../../meta/shape.ts';
import { AGE_COLUMN, column, wideColumn, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { child, index, invalid, notSupported, required } from '../../validation/field-errors.ts';
import { isDNS1123Subdomain } from '../../validation/names.ts';
import { pathSegmentNameErrors, RBAC_GROUP } from './rbac-types.ts';

const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

/** User and Group subjects belong to the RBAC group, service accounts to the core group. */
export function defaultRoleBinding(obj: KubeObject): void {
  for (const subject of objects(obj.subjects)) {
    if (str(subject.apiGroup) !== '') continue;
    if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = RBAC_GROUP;
  }
  if (isObject(obj.roleRef) && str(obj.roleRef.apiGroup) === '') obj.roleRef.apiGroup = RBAC_GROUP;
}

function validateSubject(subject: unknown, namespaced: boolean, path: string): FieldError[] {
  if (!isObject(subject)) return [invalid(path, subject, 'must be an object')];
  const errs: FieldError[] = [];
  const name = str(subject.name);
  const apiGroup = str(subject.apiGroup);
  if (name === '') errs.push(required(child(path, 'name')));
  switch (subject.kind) {
    case 'ServiceAccount':
      if (name !== '') for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(child(path, 'name'), name, msg));
      if (apiGroup !== '') errs.push(notSupported(child(path, 'apiGroup'), apiGroup, ['']));
      if (!namespaced && str(subject.namespace) === '') errs.push(required(child(path, 'namespace')));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(notSupported(child(path, 'apiGroup'), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(child(path, 'kind'), subject.kind ?? '', SUBJECT_KINDS));
  }
  return errs;
}

function validateBinding(obj: KubeObject, roleKinds: readonly string[], namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref: unknown = obj.roleRef;
  if (!isObject(ref)) {
    errs.push(required('roleRef'));
  } else {
    if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
    if (typeof ref.kind !== 'string' || !roleKinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind ?? '', roleKinds));
    const name = str(ref.name);
    if (name === '') errs.push(required('roleRef.name'));
    else for (const msg of pathSegmentNameErrors(name)) errs.push(invalid('roleRef.name', name, msg));
  }
  asArray(obj.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, index('subjects', i))));
  return errs;
}

export function validateRoleBinding(obj: KubeObject): FieldError[] {
  return validateBinding(obj, ['Role', 'ClusterRole'], true);
}

export function validateClusterRoleBinding(obj: KubeObject): FieldError[] {
  return validateBinding(obj, ['ClusterRole'], false);
}

function roleRefUnchanged(obj: KubeObject, old: KubeObject): FieldError[] {
  return deepEqual(obj.roleRef, old.roleRef) ? [] : [invalid('roleRef', obj.roleRef, 'cannot change roleRef')];
}

export function validateRoleBindingUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateRoleBinding(obj), ...roleRefUnchanged(obj, old)];
}

export function validateClusterRoleBindingUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateClusterRoleBinding(obj), ...roleRefUnchanged(obj, old)];
}

export const roleBindingTableColumns: readonly TableColumnSpec[] = [
  column('Role', 'string', 'The role the subjects are bound to, as Kind/name.'),
  AGE_COLUMN,
  wideColumn('Users', 'string', 'Users in the binding.'),
  wideColumn('Groups', 'string', 'Groups in the binding.'),
  wideColumn('ServiceAccounts', 'string', 'Service accounts in the binding, as namespace:name.'),
];

export function roleBindingTableRow(obj: KubeObject, now: Date): unknown[] {
  const ref = isObject(obj.roleRef) ? obj.roleRef : {};
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of objects(obj.subjects)) {
    if (s.kind === 'User') users.push(str(s.name));
    else if (s.kind === 'Group') groups.push(str(s.name));
    else if (s.kind === 'ServiceAccount') serviceAccounts.push(`${str(s.namespace)}:${str(s.name)}`);
  }
  return [
    `${str(ref.kind)}/${str(ref.name)}`,
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    users.join(', '),
    groups.join(', '),
    serviceAccounts.join(', '),
  ];
}
