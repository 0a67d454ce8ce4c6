/**
 * Parses a request's path and method into what it asks for: discovery, a non-resource path, or
 * a resource request (group, version, namespace, resource, name, subresource, verb). Mirrors the
 * shape of Kubernetes' RequestInfo so authorization and routing speak the same words.
 */
import { badRequest, methodNotAllowed, pathNotFound } from './errors.ts';

export type Verb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection';

export interface ResourceRequestInfo {
  readonly kind: 'resource';
  readonly verb: Verb;
  readonly group: string;
  readonly version: string;
  /** Namespace from the URL ('' when none). */
  readonly namespace: string;
  readonly resource: string;
  /** Object name from the URL ('' for collections). */
  readonly name: string;
  /** Subresource ('' when none), e.g. `status`, `scale`, `binding`, `proxy` (whatever path follows it). */
  readonly subresource: string;
}

export interface DiscoveryRequestInfo {
  readonly kind: 'discovery';
  /** `/api` → legacy root, `/apis` → group list, or one group / group-version. */
  readonly target: 'api' | 'apis' | 'group' | 'group-version';
  readonly group: string;
  readonly version: string;
}

export interface NonResourceRequestInfo {
  readonly kind: 'nonresource';
  readonly path: string;
}

export type RequestInfo = ResourceRequestInfo | DiscoveryRequestInfo | NonResourceRequestInfo;

/** Subresources addressed directly on a namespace: `/api/v1/namespaces/<ns>/status`. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`invalid path segment: ${segment}`);
  }
}

/**
 * The decoded segments of a path. A trailing slash adds none; an empty segment anywhere else is
 * kept, so that `namespaces//configmaps` never reads as `namespaces/configmaps`.
 */
function pathSegments(pathname: string): string[] {
  const parts = pathname.split('/').slice(1);
  if (parts.at(-1) === '') parts.pop();
  return parts.map(decodeSegment);
}

/** Refuses an empty segment where the path names something (group, version, namespace, resource, …). */
function refuseEmpty(named: readonly string[], pathname: string): void {
  if (named.includes('')) throw badRequest(`invalid path: ${pathname}`);
}

/**
 * Parses `method` + `pathname` (no query). `isWatch` is the `watch` query flag. A GET under the
 * deprecated `watch/` prefix (`/api/v1/watch/namespaces/ns/pods[/name]`) is a watch as well.
 * @throws ApiError 400 for a malformed path; under the `watch/` prefix, 404 for a subresource
 *   and 405 for a method other than GET
 */
export function parseRequestInfo(method: string, pathname: string, isWatch: boolean): RequestInfo {
  const parts = pathSegments(pathname);
  const prefix = parts[0];
  if (prefix !== 'api' && prefix !== 'apis') return { kind: 'nonresource', path: pathname };
  if (parts.length <= (prefix === 'api' ? 2 : 3)) refuseEmpty(parts, pathname);

  let rest: string[];
  let group: string;
  let version: string;
  if (prefix === 'api') {
    if (parts.length === 1) return { kind: 'discovery', target: 'api', group: '', version: '' };
    group = '';
    version = parts[1]!;
    if (parts.length === 2) return { kind: 'discovery', target: 'group-version', group, version };
    rest = parts.slice(2);
  } else {
    if (parts.length === 1) return { kind: 'discovery', target: 'apis', group: '', version: '' };
    group = parts[1]!;
    if (parts.length === 2) return { kind: 'discovery', target: 'group', group, version: '' };
    version = parts[2]!;
    if (parts.length === 3) return { kind: 'discovery', target: 'group-version', group, version };
    rest = parts.slice(3);
  }

  const watchPrefix = rest[0] === 'watch' && rest.length > 1;
  if (watchPrefix) rest = rest.slice(1);
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1]!;
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  const resource = rest[0]!;
  const name = rest[1] ?? '';
  // A proxy subresource carries the path to pass on after it (`pods/x/proxy/a/b`).
  const proxied = rest[2] === 'proxy';
  const subresource = proxied ? 'proxy' : rest.slice(2).join('/');
  if (rest.length > 3 && !proxied) throw badRequest(`invalid path: ${pathname}`);
  const passedOn = proxied ? rest.length - 3 : 0;
  refuseEmpty(parts.slice(0, parts.length - passedOn), pathname);

  if (watchPrefix) {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method);
    if (subresource !== '') throw pathNotFound();
    return { kind: 'resource', verb: 'watch', group, version, namespace, resource, name, subresource };
  }
  let verb: Verb;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = name === '' ? (isWatch ? 'watch' : 'list') : isWatch && subresource === '' ? 'watch' : 'get';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name === '' ? 'deletecollection' : 'delete';
      break;
    default:
      verb = 'get';
  }
  return { kind: 'resource', verb, group, version, namespace, resource, name, subresource };
}
