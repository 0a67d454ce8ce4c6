/**
 * Members of `system:masters` may do anything, whatever RBAC objects exist (as upstream: the
 * group is the way back in when RBAC is broken). The cluster's admin certificate and the
 * control-plane components' certificates carry it.
 */
import { ALL_RULES, type Authorizer } from './authorizer.ts';

export const SYSTEM_MASTERS = 'system:masters';

export const privilegedGroupAuthorizer: Authorizer = {
  async authorize(attributes) {
    return attributes.user.groups.includes(SYSTEM_MASTERS) ? { decision: 'allow', reason: '' } : { decision: 'no-opinion', reason: '' };
  },
  async rulesFor(user) {
    return user.groups.includes(SYSTEM_MASTERS) ? ALL_RULES : { resourceRules: [], nonResourceRules: [], incomplete: false };
  },
};
