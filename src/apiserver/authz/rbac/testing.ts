/** Builders for the RBAC unit tests: attributes of a request, and stored RBAC objects. */
import type { KubeObject } from '../../../api/meta/types.ts';
import type { UserInfo } from '../../authn/authenticator.ts';
import type { AuthorizationAttributes } from '../authorizer.ts';

/** A resource request's attributes (`resource` may be `pods/log`). */
export function resourceRequest(user: UserInfo, verb: string, resource: string, opts: { group?: string; namespace?: string; name?: string } = {}): AuthorizationAttributes {
  const [main, sub = ''] = resource.split('/');
  return { user, verb, resourceRequest: true, namespace: opts.namespace ?? '', apiGroup: opts.group ?? '', apiVersion: 'v1', resource: main!, subresource: sub, name: opts.name ?? '', path: '' };
}

export function pathRequest(user: UserInfo, verb: string, path: string): AuthorizationAttributes {
  return { user, verb, resourceRequest: false, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', path };
}

export function role(name: string, namespace: string | undefined, rules: unknown[]): KubeObject {
  return { metadata: { name, ...(namespace === undefined ? {} : { namespace }) }, rules };
}

export function binding(name: string, namespace: string | undefined, roleRef: { kind: string; name: string }, subjects: Array<{ kind: string; name: string; namespace?: string }>): KubeObject {
  return { metadata: { name, ...(namespace === undefined ? {} : { namespace }) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects };
}
