/**
 * RBAC's escalation prevention, on every client write of a Role, ClusterRole, RoleBinding or
 * ClusterRoleBinding: a user may grant only what they hold. Writing a role passes when the user
 * may `escalate` it, or already holds all of its rules (in its namespace, or cluster-wide); an
 * aggregation rule, which can gather anything, needs every permission. Writing a binding passes
 * when the user may `bind` the role it refers to, or holds all of that role's rules where the
 * binding applies. Members of system:masters pass everything through the authorizer. An update
 * that changes only what the garbage collector writes (owner references, finalizers) is not
 * checked, so dependents can always be cleaned up.
 */
import type { KubeObject } from '../../../api/meta/types.ts';
import type { ResourceType } from '../../../api/resource-type.ts';
import { clusterRoleType, RBAC_GROUP, roleType } from '../../../api/rbac/v1/rbac-types.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import type { UserInfo } from '../../authn/authenticator.ts';
import { forbidden, notFound, qualifiedResource } from '../../errors.ts';
import type { WriterAdmission } from '../../registry/generic-store.ts';
import type { Authorizer } from '../authorizer.ts';
import { readBinding } from './binding.ts';
import { ALL, readPolicyRules, type ReadRule } from './policy-rule.ts';
import type { RbacPolicySource } from './rbac-policy.ts';
import { uncoveredRules } from './rule-coverage.ts';

export interface EscalationDeps {
  /** The server's authorizer (a getter: the authorizer is built after the stores). */
  readonly authorizer: () => Authorizer;
  readonly policy: RbacPolicySource;
}

/** Every permission: what an aggregation rule needs. */
const FULL_AUTHORITY: ReadRule[] = [
  { verbs: [ALL], apiGroups: [ALL], resources: [ALL], resourceNames: [], nonResourceURLs: [] },
  { verbs: [ALL], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [ALL] },
];

/** The object without what only the garbage collector changes, to see whether anything else did. */
function withoutGcFields(obj: KubeObject): KubeObject {
  const { ownerReferences: _o, finalizers: _f, managedFields: _m, resourceVersion: _r, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function onlyGcFieldsChanged(next: KubeObject, current: KubeObject | undefined): boolean {
  return current !== undefined && deepEqual(withoutGcFields(next), withoutGcFields(current));
}

async function mayDo(deps: EscalationDeps, user: UserInfo, verb: string, resource: string, namespace: string, name: string): Promise<boolean> {
  const d = await deps.authorizer().authorize({ user, verb, resourceRequest: true, namespace, apiGroup: RBAC_GROUP, apiVersion: 'v1', resource, subresource: '', name, path: '' });
  return d.decision === 'allow';
}

function describeUser(user: UserInfo): string {
  return `user "${user.name}" (groups=[${user.groups.map((g) => JSON.stringify(g)).join(' ')}])`;
}

/** Refuses (403) unless `user` holds `rules` where the object applies. */
async function confirmNoEscalation(deps: EscalationDeps, type: ResourceType, obj: KubeObject, user: UserInfo, rules: readonly ReadRule[], message?: string): Promise<void> {
  const namespace = obj.metadata.namespace ?? '';
  const held = await deps.authorizer().rulesFor(user, namespace);
  const missing = uncoveredRules(held, rules);
  if (missing.length === 0) return;
  const name = obj.metadata.name ?? '';
  let why = message ?? `${describeUser(user)} is attempting to grant RBAC permissions not currently held:\n${missing.join('\n')}`;
  if (message === undefined && held.evaluationError !== undefined) why += `; resolution errors: [${held.evaluationError}]`;
  throw forbidden(`${qualifiedResource(type)} "${name}" is forbidden: ${why}`, { name, group: type.group, kind: type.resource });
}

function roleAdmission(type: ResourceType, deps: EscalationDeps): WriterAdmission {
  return {
    async admit(next, current, user) {
      if (onlyGcFieldsChanged(next, current)) return;
      if (await mayDo(deps, user, 'escalate', type.resource, next.metadata.namespace ?? '', next.metadata.name ?? '')) return;
      await confirmNoEscalation(deps, type, next, user, readPolicyRules(next.rules));
      const aggregation: unknown = next.aggregationRule;
      if (type.resource === clusterRoleType.resource && aggregation !== undefined && aggregation !== null) {
        await confirmNoEscalation(deps, type, next, user, FULL_AUTHORITY, 'must have cluster-admin privileges to use the aggregationRule');
      }
    },
  };
}

function bindingAdmission(type: ResourceType, deps: EscalationDeps): WriterAdmission {
  return {
    async admit(next, current, user) {
      if (onlyGcFieldsChanged(next, current)) return;
      const binding = readBinding(next);
      // A roleRef naming no role kind is refused by validation, which has run.
      if (binding === undefined) return;
      const refType = binding.roleRef.kind === 'Role' ? roleType : clusterRoleType;
      if (await mayDo(deps, user, 'bind', refType.resource, binding.namespace, binding.roleRef.name)) return;
      const rules = deps.policy().rulesOf(binding.roleRef, binding.namespace);
      if (rules === undefined) throw notFound(refType, binding.roleRef.name);
      await confirmNoEscalation(deps, type, next, user, rules);
    },
  };
}

/** The escalation check of an RBAC kind's writes, or undefined for every other kind. */
export function escalationAdmission(type: ResourceType, deps: EscalationDeps): WriterAdmission | undefined {
  if (type.group !== RBAC_GROUP) return undefined;
  if (type.resource === 'roles' || type.resource === 'clusterroles') return roleAdmission(type, deps);
  if (type.resource === 'rolebindings' || type.resource === 'clusterrolebindings') return bindingAdmission(type, deps);
  return undefined;
}
