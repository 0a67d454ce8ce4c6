/**
 * RoleBindings and ClusterRoleBindings as the authorizer reads them, and who they bind: a User
 * by name, a Group by membership, a ServiceAccount by the user name its tokens authenticate as
 * (`system:serviceaccount:<namespace>:<name>`; a subject without a namespace means the
 * binding's own).
 */
import type { UserInfo } from '../../authn/authenticator.ts';
import { serviceAccountUserName } from '../../authn/service-account-token.ts';

export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

/** A binding's reference to the role it grants. */
export interface RoleRef {
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
}

export interface Binding {
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  readonly name: string;
  /** '' for a ClusterRoleBinding. */
  readonly namespace: string;
  readonly roleRef: RoleRef;
  readonly subjects: readonly Subject[];
}

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * A stored binding as the authorizer reads it, or undefined when its roleRef names no role kind
 * (it then grants nothing).
 */
export function readBinding(obj: { metadata: { name?: string; namespace?: string } } & Record<string, unknown>): Binding | undefined {
  const refKind = text(field(obj.roleRef, 'kind'));
  if (refKind !== 'Role' && refKind !== 'ClusterRole') return undefined;
  const namespace = obj.metadata.namespace ?? '';
  const subjects = Array.isArray(obj.subjects) ? obj.subjects : [];
  return {
    kind: namespace === '' ? 'ClusterRoleBinding' : 'RoleBinding',
    name: obj.metadata.name ?? '',
    namespace,
    roleRef: { kind: refKind, name: text(field(obj.roleRef, 'name')) },
    subjects: subjects.map((s) => ({ kind: text(field(s, 'kind')), name: text(field(s, 'name')), namespace: text(field(s, 'namespace')) })),
  };
}

/** Whether `subject` of a binding in `bindingNamespace` ('' for cluster bindings) is `user`. */
export function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace === '' ? bindingNamespace : subject.namespace;
      return namespace !== '' && user.name === serviceAccountUserName(namespace, subject.name);
    }
    default:
      return false;
  }
}

/** The first subject of `binding` that is `user`, if any. */
export function matchingSubject(binding: Binding, user: UserInfo): Subject | undefined {
  return binding.subjects.find((s) => subjectMatches(s, user, binding.namespace));
}

/** How upstream names a subject in an "allowed by" reason: `User "jane"`, `ServiceAccount "ns/sa"`. */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') return `ServiceAccount "${subject.namespace === '' ? bindingNamespace : subject.namespace}/${subject.name}"`;
  return `${subject.kind} "${subject.name}"`;
}
