/**
 * Storage keys, following Kubernetes: `/registry/<resource>/<namespace>/<name>` for the core
 * group and `/registry/<group>/<resource>/<namespace>/<name>` for named groups (so a custom
 * resource can never collide with a built-in one); cluster-scoped objects drop the namespace.
 * Every prefix ends with '/', because storage prefixes are plain string prefixes.
 */
import type { ResourceType } from '../../api/resource-type.ts';

export function resourcePrefix(t: Pick<ResourceType, 'group' | 'resource'>): string {
  return t.group === '' ? `/registry/${t.resource}/` : `/registry/${t.group}/${t.resource}/`;
}

/** The prefix of one namespace's objects, or of all objects when namespace is ''. */
export function collectionPrefix(t: Pick<ResourceType, 'group' | 'resource' | 'namespaced'>, namespace: string): string {
  const base = resourcePrefix(t);
  return t.namespaced && namespace !== '' ? `${base}${namespace}/` : base;
}

export function objectKey(t: Pick<ResourceType, 'group' | 'resource' | 'namespaced'>, namespace: string, name: string): string {
  return t.namespaced ? `${resourcePrefix(t)}${namespace}/${name}` : `${resourcePrefix(t)}${name}`;
}
