/**
 * The OpenAPI v3 documents the server publishes: one per group/version (`/openapi/v3/apis/apps/v1`)
 * and an index (`/openapi/v3`) pointing at each with a content hash, so clients cache a document
 * until its hash changes. A document holds the paths of the served resources and every schema
 * they reach.
 *
 * Serving: `buildOpenApi(resources, registry)` once (and again when the served resources or the
 * registry change); answer `/openapi/v3` with `index`, and `/openapi/v3/<path>` with
 * `documents.get(path).json` (ETag = the hash; a URL carrying the current `?hash=` may be cached
 * as immutable).
 */
import { createHash } from 'node:crypto';
import type { GroupVersionKind } from '../meta/types.ts';
import { resourcePaths, type OpenApiPathItem, type OpenApiResource } from './operations.ts';
import { referencedSchemas, schemaNameForKind, type SchemaRegistry } from './registry.ts';
import { COMPONENT_REF_PREFIX, type OpenApiSchema } from './schema-types.ts';
import { builtinSchemaRegistry } from './schemas/index.ts';

export interface OpenApiDocument {
  readonly openapi: '3.0.0';
  readonly info: { readonly title: string; readonly version: string };
  readonly paths: Readonly<Record<string, OpenApiPathItem>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, OpenApiSchema>>;
    readonly securitySchemes: Readonly<Record<string, unknown>>;
  };
}

export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

/** `api/v1` for the core group, `apis/<group>/<version>` otherwise (the part after /openapi/v3/). */
export function openApiPath(gv: GroupVersion): string {
  return gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
}

/** What to publish in `info.version`. */
export interface OpenApiOptions {
  readonly version?: string;
}

/** Kinds without a registered schema are described as objects of any content. */
const ANY_OBJECT: OpenApiSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

function byKey<T>(entries: Iterable<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The OpenAPI document of one group/version: the operations of `resources` (those of other
 * group/versions are ignored) and the schemas they reach. Throws when a registered schema
 * refers to a schema the registry lacks.
 */
export function openApiDocument(
  groupVersion: GroupVersion,
  resources: readonly OpenApiResource[],
  registry: SchemaRegistry = builtinSchemaRegistry,
  options: OpenApiOptions = {},
): OpenApiDocument {
  const schemaOf = (gvk: GroupVersionKind): OpenApiSchema => {
    const name = schemaNameForKind(registry, gvk);
    return name === undefined ? ANY_OBJECT : { $ref: COMPONENT_REF_PREFIX + name };
  };
  const paths: [string, OpenApiPathItem][] = [];
  for (const resource of resources) {
    if (resource.type.group !== groupVersion.group || resource.type.version !== groupVersion.version) continue;
    paths.push(...Object.entries(resourcePaths(resource, schemaOf)));
  }
  const sortedPaths = byKey(paths);
  return {
    openapi: '3.0.0',
    info: { title: 'k8ts', version: options.version ?? 'unversioned' },
    paths: sortedPaths,
    components: {
      schemas: Object.fromEntries(referencedSchemas(registry, sortedPaths)),
      securitySchemes: {
        BearerToken: { type: 'apiKey', description: 'Bearer token authentication', name: 'authorization', in: 'header' },
      },
    },
  };
}

/** A document ready to serve. */
export interface RenderedOpenApiDocument {
  /** `api/v1` or `apis/<group>/<version>`. */
  readonly path: string;
  readonly document: OpenApiDocument;
  /** The exact bytes to serve (as UTF-8). */
  readonly json: string;
  /** Upper-case hex SHA-256 of `json`: the `?hash=` of the index and the ETag. */
  readonly hash: string;
}

export function renderOpenApiDocument(path: string, document: OpenApiDocument): RenderedOpenApiDocument {
  const json = JSON.stringify(document);
  return { path, document, json, hash: createHash('sha256').update(json).digest('hex').toUpperCase() };
}

/** The body of `GET /openapi/v3`. */
export interface OpenApiIndex {
  readonly paths: Readonly<Record<string, { readonly serverRelativeURL: string }>>;
}

export function openApiIndex(documents: Iterable<RenderedOpenApiDocument>): OpenApiIndex {
  return {
    paths: byKey([...documents].map((d) => [d.path, { serverRelativeURL: `/openapi/v3/${d.path}?hash=${d.hash}` }])),
  };
}

export interface OpenApiSet {
  readonly index: OpenApiIndex;
  /** By path (`api/v1`, `apis/apps/v1`). */
  readonly documents: ReadonlyMap<string, RenderedOpenApiDocument>;
}

/** Every document for the served resources, grouped by group/version, and their index. */
export function buildOpenApi(
  resources: readonly OpenApiResource[],
  registry: SchemaRegistry = builtinSchemaRegistry,
  options: OpenApiOptions = {},
): OpenApiSet {
  const groupVersions = new Map<string, GroupVersion>();
  for (const r of resources) groupVersions.set(openApiPath(r.type), { group: r.type.group, version: r.type.version });
  const documents = new Map<string, RenderedOpenApiDocument>();
  for (const [path, gv] of [...groupVersions].sort(([a], [b]) => (a < b ? -1 : 1))) {
    documents.set(path, renderOpenApiDocument(path, openApiDocument(gv, resources, registry, options)));
  }
  return { index: openApiIndex(documents.values()), documents };
}
