/**
 * Authorization: may this user do this? The request path asks an Authorizer with the
 * attributes RBAC rules are written in (verb, API group, resource, subresource, namespace, name,
 * or a non-resource path), and the access reviews (`kubectl auth can-i`) ask the same
 * Authorizer, so they always agree with what the server enforces. Which authorizers answer is
 * the apiserver's authorization mode (authorization-mode.ts).
 */
import type { UserInfo } from '../authn/authenticator.ts';

/** What is being asked, in the terms of RBAC rules (upstream: authorizer.Attributes). */
export interface AuthorizationAttributes {
  readonly user: UserInfo;
  /** Resource verbs (`get`, `list`, `watch`, `create`, …) or, for paths, the lower-case HTTP method. */
  readonly verb: string;
  /** True for requests on API resources; false for non-resource paths such as `/healthz`. */
  readonly resourceRequest: boolean;
  readonly namespace: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  /** The URL path of a non-resource request. */
  readonly path: string;
}

/**
 * `allow` and `deny` are final; `no-opinion` lets a chain of authorizers ask the next one
 * (the request is denied when none allows it).
 */
export type Decision = 'allow' | 'deny' | 'no-opinion';

export interface AuthorizationDecision {
  readonly decision: Decision;
  /** Why: shown in 403 messages and in access review answers. */
  readonly reason: string;
  /** Set when the decision could not be evaluated completely (e.g. a rule source was unreadable). */
  readonly evaluationError?: string;
}

/** Verbs on resources (authorization.k8s.io ResourceRule). */
export interface ResourceRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
}

/** Verbs on non-resource URLs (authorization.k8s.io NonResourceRule). */
export interface NonResourceRule {
  readonly verbs: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** What a user may do in a namespace, as far as the authorizer can enumerate it. */
export interface RulesResult {
  readonly resourceRules: readonly ResourceRule[];
  readonly nonResourceRules: readonly NonResourceRule[];
  /** True when the authorizer allows things it cannot list as rules. */
  readonly incomplete: boolean;
  readonly evaluationError?: string;
}

export interface Authorizer {
  authorize(attributes: AuthorizationAttributes): Promise<AuthorizationDecision>;
  /** The rules `user` holds in `namespace` (SelfSubjectRulesReview, `kubectl auth can-i --list`). */
  rulesFor(user: UserInfo, namespace: string): Promise<RulesResult>;
}

/** Everything: every verb on every resource and every non-resource URL. */
export const ALL_RULES: RulesResult = {
  resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [] }],
  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
  incomplete: false,
};

const ALLOW_ALL_REASON = 'the apiserver runs with --authorization-mode AlwaysAllow: every authenticated request is allowed';

/** Allows every authenticated request (authorization mode AlwaysAllow), and says so in its reasons. */
export const allowAllAuthorizer: Authorizer = {
  async authorize() {
    return { decision: 'allow', reason: ALLOW_ALL_REASON };
  },
  async rulesFor() {
    return ALL_RULES;
  },
};
