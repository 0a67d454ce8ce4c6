/**
 * Serving OpenAPI v3 (`/openapi/v3` and `/openapi/v3/<api/v1|apis/g/v>`), generated from the
 * project's own schemas for exactly the resources the registry serves; rebuilt when the set of
 * served resources changes. The same schemas drive field validation and strategic merge patch.
 * `/openapi/v2` is not served (kubectl asks for it only as protobuf and copes with a 404).
 *
 * Custom resources plug in through the registry: each served resource may carry component
 * schemas (`ServedResource.schemas`, from its CRD) that extend the built-in schema registry for
 * that ApiRegistry only, and a strategy that refuses strategic merge patches, which its PATCH
 * operations then do not list.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildOpenApi, type OpenApiSet } from '../api/openapi/document.ts';
import { patchSchemaForKind } from '../api/openapi/patch-schema.ts';
import { extendSchemaRegistry, resolveSchema, schemaNameForKind, type SchemaRegistry } from '../api/openapi/registry.ts';
import { builtinSchemaRegistry } from '../api/openapi/schemas/index.ts';
import type { PatchSchema } from '../api/patch/patch-schema.ts';
import type { ResourceType } from '../api/resource-type.ts';
import { writeJson } from './http/respond.ts';
import type { ApiRegistry } from './registry/api-registry.ts';
import type { KindSchema } from './handlers/field-validation.ts';
import { K8TS_VERSION } from './version.ts';

let schemas: SchemaRegistry = builtinSchemaRegistry;
const built = new WeakMap<ApiRegistry, { generation: number; schemas: SchemaRegistry; set: OpenApiSet }>();
const extended = new WeakMap<ApiRegistry, { generation: number; base: SchemaRegistry; schemas: SchemaRegistry }>();

/** The schema registry in use (custom resources extend it). */
export function currentSchemas(): SchemaRegistry {
  return schemas;
}

/** Replaces the schema registry (e.g. when a custom resource definition changes). */
export function setSchemas(next: SchemaRegistry): void {
  schemas = next;
}

/** The schema registry of `registry`: the current one plus the schemas its served resources bring. */
function schemasOf(registry: ApiRegistry): SchemaRegistry {
  const cached = extended.get(registry);
  if (cached !== undefined && cached.generation === registry.generation && cached.base === schemas) return cached.schemas;
  const sets = registry.all().map((r) => r.schemas).filter((set) => Object.keys(set).length > 0);
  const result = sets.length === 0 ? schemas : extendSchemaRegistry(schemas, ...sets);
  extended.set(registry, { generation: registry.generation, base: schemas, schemas: result });
  return result;
}

function openApiFor(registry: ApiRegistry): OpenApiSet {
  const registrySchemas = schemasOf(registry);
  const cached = built.get(registry);
  if (cached !== undefined && cached.generation === registry.generation && cached.schemas === registrySchemas) return cached.set;
  const resources = registry.all().map((r) => ({
    type: r.store.strategy.type,
    subresources: r.subresources,
    strategicMergePatch: r.store.strategy.strategicMergePatch,
  }));
  const set = buildOpenApi(resources, registrySchemas, { version: K8TS_VERSION });
  built.set(registry, { generation: registry.generation, schemas: registrySchemas, set });
  return set;
}

/** Serves an OpenAPI path; returns false when `url` is not one this server has. */
export async function serveOpenApi(registry: ApiRegistry, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  if (path === '/openapi/v3' || path === '/openapi/v3/') {
    writeJson(res, 200, openApiFor(registry).index);
    return true;
  }
  if (!path.startsWith('/openapi/v3/')) return false;
  const doc = openApiFor(registry).documents.get(path.slice('/openapi/v3/'.length));
  if (doc === undefined) return false;
  res.setHeader('ETag', `"${doc.hash}"`);
  res.setHeader('Vary', 'Accept');
  if (url.searchParams.get('hash') === doc.hash) res.setHeader('Cache-Control', 'public, immutable');
  if (req.headers['if-none-match'] === `"${doc.hash}"`) {
    res.writeHead(304);
    res.end();
    return true;
  }
  writeJson(res, 200, doc.json);
  return true;
}

/** The schema of a resource's kind, for field validation (undefined when none is registered). */
export function schemaForType(registry: ApiRegistry, type: ResourceType): KindSchema | undefined {
  const all = schemasOf(registry);
  const name = schemaNameForKind(all, type);
  const schema = name === undefined ? undefined : all.schemas.get(name);
  if (schema === undefined) return undefined;
  return { schema, resolve: (s) => resolveSchema(all, s) };
}

/** The strategic-merge-patch view of a resource's kind (undefined: plain merge semantics). */
export function patchSchemaForType(type: ResourceType): PatchSchema | undefined {
  return patchSchemaForKind(schemas, type);
}
