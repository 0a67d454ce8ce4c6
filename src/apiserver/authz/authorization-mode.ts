/**
 * The apiserver's `--authorization-mode`: `RBAC` (the default: members of system:masters, then
 * RBAC rules) or `AlwaysAllow` (every authenticated request, for throwaway clusters where
 * permissions are not the point).
 */
import { allowAllAuthorizer, type Authorizer } from './authorizer.ts';
import { privilegedGroupAuthorizer } from './privileged-group.ts';
import { rbacAuthorizer } from './rbac/rbac-authorizer.ts';
import type { RbacPolicySource } from './rbac/rbac-policy.ts';
import { unionAuthorizer } from './union-authorizer.ts';

export const AUTHORIZATION_MODES = ['RBAC', 'AlwaysAllow'] as const;
export type AuthorizationMode = (typeof AUTHORIZATION_MODES)[number];

/** The authorizer of `mode`; RBAC evaluates the objects `policy` reads. */
export function authorizerFor(mode: AuthorizationMode, policy: RbacPolicySource): Authorizer {
  if (mode === 'AlwaysAllow') return allowAllAuthorizer;
  return unionAuthorizer([privilegedGroupAuthorizer, rbacAuthorizer(policy)]);
}
