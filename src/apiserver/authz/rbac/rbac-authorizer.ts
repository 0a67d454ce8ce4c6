/**
 * The RBAC authorizer: a request is allowed when a binding whose subject is the user grants a
 * role with a rule that matches it. ClusterRoleBindings apply everywhere; a namespace's
 * RoleBindings (to a Role of that namespace, or to a ClusterRole) apply to requests in that
 * namespace only. RBAC only ever allows: without a matching rule it has no opinion, and the
 * request is refused unless another authorizer allows it.
 */
import type { UserInfo } from '../../authn/authenticator.ts';
import type { AuthorizationDecision, Authorizer, ResourceRule, NonResourceRule, RulesResult } from '../authorizer.ts';
import { describeSubject, matchingSubject, type Binding } from './binding.ts';
import { ruleAllows } from './policy-rule.ts';
import type { RbacPolicy, RbacPolicySource } from './rbac-policy.ts';

const NO_OPINION: AuthorizationDecision = { decision: 'no-opinion', reason: '' };

/** The bindings that apply to requests in `namespace` ('' = cluster-scoped requests), without copying them (every request asks). */
function* applicableBindings(policy: RbacPolicy, namespace: string): Iterable<Binding> {
  yield* policy.clusterRoleBindings;
  if (namespace !== '') yield* policy.roleBindings(namespace);
}

function bindingName(b: Binding): string {
  return b.kind === 'RoleBinding' ? `${b.name}/${b.namespace}` : b.name;
}

/** How a missing role reads in a rules review's evaluationError. */
function missingRole(b: Binding): string {
  const resource = b.roleRef.kind === 'Role' ? 'role' : 'clusterrole';
  const where = b.roleRef.kind === 'Role' ? ` in namespace "${b.namespace}"` : '';
  return `${resource}.rbac.authorization.k8s.io "${b.roleRef.name}" not found${where}`;
}

export function rbacAuthorizer(source: RbacPolicySource): Authorizer {
  return {
    async authorize(a) {
      const policy = source();
      for (const binding of applicableBindings(policy, a.namespace)) {
        const subject = matchingSubject(binding, a.user);
        if (subject === undefined) continue;
        const rules = policy.rulesOf(binding.roleRef, binding.namespace);
        if (rules === undefined || !rules.some((r) => ruleAllows(r, a))) continue;
        return {
          decision: 'allow',
          reason: `RBAC: allowed by ${binding.kind} "${bindingName(binding)}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${describeSubject(subject, binding.namespace)}`,
        };
      }
      return NO_OPINION;
    },

    async rulesFor(user: UserInfo, namespace: string): Promise<RulesResult> {
      const policy = source();
      const resourceRules: ResourceRule[] = [];
      const nonResourceRules: NonResourceRule[] = [];
      const errors: string[] = [];
      for (const binding of applicableBindings(policy, namespace)) {
        if (matchingSubject(binding, user) === undefined) continue;
        const rules = policy.rulesOf(binding.roleRef, binding.namespace);
        if (rules === undefined) {
          errors.push(missingRole(binding));
          continue;
        }
        for (const r of rules) {
          if (r.nonResourceURLs.length > 0) {
            // Non-resource rules hold only where they apply: through cluster bindings.
            if (binding.kind === 'ClusterRoleBinding') nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
          } else {
            resourceRules.push({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames });
          }
        }
      }
      return { resourceRules, nonResourceRules, incomplete: false, ...(errors.length === 0 ? {} : { evaluationError: errors.join(', ') }) };
    },
  };
}
