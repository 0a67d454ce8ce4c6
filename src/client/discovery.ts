/**
 * Legacy discovery: which resource types the server serves, read from `/api`, `/apis`, and each
 * group-version's APIResourceList (`/api/v1`, `/apis/<group>/<version>`). Subresources
 * (`pods/status`) are left out. A group-version that fails to answer is reported in `failed`
 * rather than failing the whole call, because callers such as the namespace controller must
 * know what they could not see.
 */
import type { ResourceType } from '../api/resource-type.ts';
import { abortReason } from './clock.ts';
import { ApiError } from './errors.ts';
import type { RestClient } from './rest-client.ts';

/** A resource type as the server announced it, with its verbs. */
export interface DiscoveredResource extends ResourceType {
  /** e.g. `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`. */
  readonly verbs: readonly string[];
  /** Whether this is the group's preferred version. */
  readonly preferred: boolean;
}

/** The result of discovery. */
export interface ServerResources {
  resources: DiscoveredResource[];
  /** Group-versions whose resource list could not be read. */
  failed: { groupVersion: string; error: Error }[];
}

interface ApiVersions {
  versions?: string[];
}

interface ApiGroupList {
  groups?: { name: string; versions?: { groupVersion: string; version: string }[]; preferredVersion?: { version: string } }[];
}

interface ApiResourceList {
  resources?: {
    name: string;
    singularName?: string;
    namespaced?: boolean;
    kind: string;
    verbs?: string[];
    shortNames?: string[];
    categories?: string[];
  }[];
}

interface GroupVersion {
  group: string;
  version: string;
  preferred: boolean;
}

/** GETs a discovery document; a 404 means "nothing served here". */
async function getOptional<T>(rest: RestClient, path: string, signal: AbortSignal | undefined): Promise<T | undefined> {
  try {
    return await rest.requestJson<T>({ method: 'GET', path, signal });
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

async function listGroupVersions(rest: RestClient, signal: AbortSignal | undefined): Promise<GroupVersion[]> {
  const [core, groups] = await Promise.all([
    getOptional<ApiVersions>(rest, '/api', signal),
    getOptional<ApiGroupList>(rest, '/apis', signal),
  ]);
  const out: GroupVersion[] = (core?.versions ?? []).map((version, i) => ({ group: '', version, preferred: i === 0 }));
  for (const g of groups?.groups ?? []) {
    const preferred = g.preferredVersion?.version ?? g.versions?.[0]?.version;
    for (const v of g.versions ?? []) out.push({ group: g.name, version: v.version, preferred: v.version === preferred });
  }
  return out;
}

function toResources(gv: GroupVersion, list: ApiResourceList): DiscoveredResource[] {
  return (list.resources ?? [])
    .filter((r) => !r.name.includes('/'))
    .map((r) => ({
      group: gv.group,
      version: gv.version,
      kind: r.kind,
      resource: r.name,
      singular: r.singularName !== undefined && r.singularName !== '' ? r.singularName : r.kind.toLowerCase(),
      listKind: `${r.kind}List`,
      namespaced: r.namespaced === true,
      shortNames: r.shortNames ?? [],
      categories: r.categories ?? [],
      verbs: r.verbs ?? [],
      preferred: gv.preferred,
    }));
}

/** Every resource type of every group-version the server serves. */
export async function listServerResources(rest: RestClient, opts: { signal?: AbortSignal } = {}): Promise<ServerResources> {
  const gvs = await listGroupVersions(rest, opts.signal);
  const result: ServerResources = { resources: [], failed: [] };
  const lists = await Promise.allSettled(
    gvs.map((gv) => rest.requestJson<ApiResourceList>({ method: 'GET', path: gv.group === '' ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`, signal: opts.signal })),
  );
  lists.forEach((settled, i) => {
    const gv = gvs[i] as GroupVersion;
    if (settled.status === 'fulfilled') result.resources.push(...toResources(gv, settled.value));
    else {
      const error = settled.reason instanceof Error ? settled.reason : new Error(String(settled.reason));
      result.failed.push({ groupVersion: gv.group === '' ? gv.version : `${gv.group}/${gv.version}`, error });
    }
  });
  if (opts.signal?.aborted) throw abortReason(opts.signal);
  return result;
}

/** The preferred version of each namespaced resource type (what a namespace holds, once each). */
export async function listPreferredNamespacedResources(rest: RestClient, opts: { signal?: AbortSignal } = {}): Promise<ServerResources> {
  const all = await listServerResources(rest, opts);
  return { resources: all.resources.filter((r) => r.preferred && r.namespaced), failed: all.failed };
}
