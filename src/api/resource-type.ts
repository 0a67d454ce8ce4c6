/**
 * Static description of a resource type: how it is named in URLs and discovery. Shared by the
 * apiserver (routing, discovery) and the client (building URLs), so it lives in api/.
 */
export interface ResourceType {
  /** API group; '' for the core group (served under /api). */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Lower-case plural used in URLs, e.g. `deployments`. */
  readonly resource: string;
  /** Lower-case singular, e.g. `deployment`. */
  readonly singular: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

/** The URL path of a collection or an object of `t`, e.g. `/apis/apps/v1/namespaces/ns/deployments/x`. */
export function resourcePath(t: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  let path = t.group === '' ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`;
  if (t.namespaced && namespace !== undefined) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${t.resource}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource !== undefined) path += `/${subresource}`;
  return path;
}
