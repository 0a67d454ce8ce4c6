/**
 * API discovery documents: aggregated (apidiscovery.k8s.io v2 / v2beta1, what kubectl asks for
 * first) and legacy (APIVersions, APIGroupList, APIGroup, APIResourceList), both computed from
 * the registry so resources added at run time appear at once.
 */
import type { ResourceType } from '../api/resource-type.ts';
import type { ApiRegistry, SubresourceInfo } from './registry/api-registry.ts';

function groupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** One resource as discovery lists it: stored resources have the verbs they serve, create-only ones just `create`. */
interface DiscoveryEntry {
  readonly type: ResourceType;
  readonly verbs: readonly string[];
  readonly subresources: readonly SubresourceInfo[];
}

function resourcesOf(registry: ApiRegistry, group: string, version: string): DiscoveryEntry[] {
  const entries: DiscoveryEntry[] = [
    ...registry.all().map((r) => ({ type: r.store.strategy.type, verbs: r.verbs, subresources: r.subresources })),
    ...registry.createOnly().map((r) => ({ type: r.type, verbs: ['create'], subresources: [] })),
  ];
  return entries.filter((e) => e.type.group === group && e.type.version === version);
}

function aggregatedResource(r: DiscoveryEntry): Record<string, unknown> {
  const t = r.type;
  const entry: Record<string, unknown> = {
    resource: t.resource,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: [...r.verbs],
  };
  if (t.shortNames.length > 0) entry['shortNames'] = [...t.shortNames];
  if (t.categories.length > 0) entry['categories'] = [...t.categories];
  if (r.subresources.length > 0) {
    entry['subresources'] = r.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? t.group, version: s.version ?? t.version, kind: s.kind },
      verbs: [...s.verbs],
    }));
  }
  return entry;
}

/** The aggregated discovery document for the core group (`/api`) or the named groups (`/apis`). */
export function aggregatedDiscovery(registry: ApiRegistry, root: 'api' | 'apis', version: 'v2' | 'v2beta1'): unknown {
  const items = [];
  for (const [group, versions] of registry.groupVersions()) {
    if ((root === 'api') !== (group === '')) continue;
    items.push({
      metadata: { name: group, creationTimestamp: null },
      versions: versions.map((v) => ({
        version: v,
        resources: resourcesOf(registry, group, v).map(aggregatedResource),
        freshness: 'Current',
      })),
    });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** Legacy `/api`: the core versions. */
export function apiVersions(registry: ApiRegistry, serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: registry.groupVersions().get('') ?? [],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((v) => ({ groupVersion: groupVersion(group, v), version: v }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

/** Legacy `/apis`: every named group. */
export function apiGroupList(registry: ApiRegistry): unknown {
  const groups = [];
  for (const [group, versions] of registry.groupVersions()) if (group !== '') groups.push(apiGroup(group, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** Legacy `/apis/<group>`, or undefined when the group is not served. */
export function apiGroupDocument(registry: ApiRegistry, group: string): unknown {
  const versions = registry.groupVersions().get(group);
  if (versions === undefined || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

/** Legacy `/api/v1` or `/apis/<group>/<version>`, or undefined when not served. */
export function apiResourceList(registry: ApiRegistry, group: string, version: string): unknown {
  const served = resourcesOf(registry, group, version);
  if (served.length === 0) return undefined;
  const resources = [];
  for (const r of served) {
    const t = r.type;
    const entry: Record<string, unknown> = {
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: [...r.verbs],
    };
    if (t.shortNames.length > 0) entry['shortNames'] = [...t.shortNames];
    if (t.categories.length > 0) entry['categories'] = [...t.categories];
    resources.push(entry);
    for (const s of r.subresources) {
      const sub: Record<string, unknown> = { name: `${t.resource}/${s.name}`, singularName: '', namespaced: t.namespaced, kind: s.kind, verbs: [...s.verbs] };
      if (s.group !== undefined) sub['group'] = s.group;
      if (s.version !== undefined) sub['version'] = s.version;
      resources.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}
