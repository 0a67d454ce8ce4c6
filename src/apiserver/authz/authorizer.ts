/**
 * Authorization: may this user do this? An interface so RBAC can replace the allow-all
 * authorizer without touching the request path.
 */
import type { UserInfo } from '../authn/authenticator.ts';
import type { RequestInfo } from '../request-info.ts';

export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** Why not, for the 403 message. */
  readonly reason?: string;
}

export interface Authorizer {
  authorize(user: UserInfo, request: RequestInfo): Promise<AuthorizationDecision>;
}

/** Allows every authenticated request (until RBAC is enforced). */
export const allowAllAuthorizer: Authorizer = {
  async authorize() {
    return { allowed: true };
  },
};
