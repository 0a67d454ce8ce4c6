/**
 * From a parsed request to authorization attributes, and from a refusal to the 403 message
 * kubectl users know (`pods "x" is forbidden: User "jane" cannot get resource "pods" in API
 * group "" in the namespace "default"`).
 */
import { parseFieldSelector } from '../../api/fields/selector.ts';
import type { UserInfo } from '../authn/authenticator.ts';
import { ApiError, qualifiedResource } from '../errors.ts';
import type { RequestInfo } from '../request-info.ts';
import type { AuthorizationAttributes } from './authorizer.ts';

/**
 * The object a list or watch is narrowed to by `fieldSelector=metadata.name=<name>` (what
 * `kubectl get <kind> <name> -w` and `kubectl wait` send), so that rules naming objects
 * (resourceNames) allow it, as upstream reads it; '' otherwise or for a selector that does not parse.
 */
function selectedName(fieldSelector: string | null): string {
  if (fieldSelector === null || fieldSelector === '') return '';
  try {
    return parseFieldSelector(fieldSelector).find((r) => r.field === 'metadata.name' && r.operator === '=')?.value ?? '';
  } catch {
    return '';
  }
}

/**
 * The attributes of a request; discovery and other non-resource paths are checked by path and
 * HTTP verb. `fieldSelector` is the request's, if any.
 */
export function requestAttributes(user: UserInfo, method: string, path: string, info: RequestInfo, fieldSelector: string | null = null): AuthorizationAttributes {
  if (info.kind === 'resource') {
    const narrowed = info.name === '' && (info.verb === 'list' || info.verb === 'watch') ? selectedName(fieldSelector) : '';
    return {
      user,
      verb: info.verb,
      resourceRequest: true,
      namespace: info.namespace,
      apiGroup: info.group,
      apiVersion: info.version,
      resource: info.resource,
      subresource: info.subresource,
      name: narrowed === '' ? info.name : narrowed,
      path,
    };
  }
  return { user, verb: method.toLowerCase(), resourceRequest: false, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', path };
}

/** The 403 for a refused request, worded as upstream words it. */
export function forbiddenError(a: AuthorizationAttributes, reason: string): ApiError {
  let why: string;
  if (a.resourceRequest) {
    const resource = a.subresource === '' ? a.resource : `${a.resource}/${a.subresource}`;
    const scope = a.namespace === '' ? 'at the cluster scope' : `in the namespace "${a.namespace}"`;
    why = `User "${a.user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${scope}`;
  } else {
    why = `User "${a.user.name}" cannot ${a.verb} path "${a.path}"`;
  }
  if (reason !== '') why += `: ${reason}`;
  if (!a.resourceRequest) return new ApiError(403, 'Forbidden', `forbidden: ${why}`, {});
  const target = qualifiedResource({ group: a.apiGroup, resource: a.resource });
  const subject = a.name === '' ? target : `${target} "${a.name}"`;
  return new ApiError(403, 'Forbidden', `${subject} is forbidden: ${why}`, { name: a.name, group: a.apiGroup, kind: a.resource });
}
