/**
 * Strategic-merge-patch metadata read from the OpenAPI schemas, the same way kubectl reads it:
 * the patch extensions sit on the property schema, and a property's value is found through
 * its first `allOf` entry and its `$ref`.
 * Upstream: kubernetes/apimachinery pkg/util/strategicpatch/meta.go `PatchMetaFromOpenAPIV3`.
 */
import type { GroupVersionKind } from '../meta/types.ts';
import { emptyPatchSchema, fieldPatchMeta, NO_PATCH_META, type PatchField, type PatchSchema } from '../patch/patch-schema.ts';
import { resolveSchema, schemaNameForKind, type SchemaRegistry } from './registry.ts';
import type { OpenApiSchema } from './schema-types.ts';

const nodeCache = new WeakMap<SchemaRegistry, WeakMap<OpenApiSchema, PatchSchema>>();

/** The patch view of `schema` (any schema object of the registry, or one referring into it). */
export function openApiPatchSchema(registry: SchemaRegistry, schema: OpenApiSchema): PatchSchema {
  let cache = nodeCache.get(registry);
  if (cache === undefined) {
    cache = new WeakMap();
    nodeCache.set(registry, cache);
  }
  const cached = cache.get(schema);
  if (cached !== undefined) return cached;

  const field = (key: string): PatchField => {
    const resolved = resolveSchema(registry, schema);
    const properties = resolved?.properties;
    if (properties !== undefined && Object.prototype.hasOwnProperty.call(properties, key)) {
      const property = properties[key]!;
      return {
        meta: fieldPatchMeta(property['x-kubernetes-patch-strategy'], property['x-kubernetes-patch-merge-key']),
        schema: openApiPatchSchema(registry, property),
      };
    }
    const values = resolved?.additionalProperties;
    if (typeof values === 'object') return { meta: NO_PATCH_META, schema: openApiPatchSchema(registry, values) };
    return { meta: NO_PATCH_META, schema: emptyPatchSchema };
  };
  const items = (): PatchSchema => {
    const element = resolveSchema(registry, schema)?.items;
    return element === undefined ? emptyPatchSchema : openApiPatchSchema(registry, element);
  };
  const node: PatchSchema = { field, items };
  cache.set(schema, node);
  return node;
}

/** The patch view of the schema describing `gvk`, or undefined when the registry has none. */
export function patchSchemaForKind(registry: SchemaRegistry, gvk: GroupVersionKind): PatchSchema | undefined {
  const name = schemaNameForKind(registry, gvk);
  const schema = name === undefined ? undefined : registry.schemas.get(name);
  return schema === undefined ? undefined : openApiPatchSchema(registry, schema);
}
