/**
 * The schema registry: every component schema the server can publish, and which schema
 * describes each group/version/kind. It is immutable plain data; adding custom resource
 * schemas yields a new registry (`extendSchemaRegistry`), so a published document never
 * changes under a reader, and the registry in use can be swapped atomically.
 */
import type { GroupVersionKind } from '../meta/types.ts';
import { COMPONENT_REF_PREFIX, type OpenApiSchema, type SchemaSet } from './schema-types.ts';

export interface SchemaRegistry {
  /** Component schemas by name (`io.k8s.api.apps.v1.Deployment`). */
  readonly schemas: ReadonlyMap<string, OpenApiSchema>;
  /** `gvkKey(gvk)` → name of the schema whose `x-kubernetes-group-version-kind` lists it. */
  readonly kinds: ReadonlyMap<string, string>;
}

/** `apps/v1/Deployment`; `/v1/Pod` for the core group. */
export function gvkKey(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

function indexKinds(schemas: ReadonlyMap<string, OpenApiSchema>): Map<string, string> {
  const kinds = new Map<string, string>();
  for (const [name, schema] of schemas) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      const key = gvkKey(gvk);
      const previous = kinds.get(key);
      if (previous !== undefined && previous !== name) {
        throw new Error(`schemas ${previous} and ${name} both describe ${key}`);
      }
      kinds.set(key, name);
    }
  }
  return kinds;
}

/** A registry of the given schema sets. Throws when two schemas claim the same kind. */
export function createSchemaRegistry(...sets: readonly SchemaSet[]): SchemaRegistry {
  return extendSchemaRegistry({ schemas: new Map(), kinds: new Map() }, ...sets);
}

/**
 * A new registry with `sets` added; a schema of an existing name replaces the old one (a
 * custom resource definition that changed). Throws when two schemas claim the same kind.
 */
export function extendSchemaRegistry(base: SchemaRegistry, ...sets: readonly SchemaSet[]): SchemaRegistry {
  const schemas = new Map(base.schemas);
  for (const set of sets) for (const [name, schema] of Object.entries(set)) schemas.set(name, schema);
  return { schemas, kinds: indexKinds(schemas) };
}

/** A new registry without the named schemas (a custom resource definition that went away). */
export function removeSchemas(base: SchemaRegistry, names: Iterable<string>): SchemaRegistry {
  const schemas = new Map(base.schemas);
  for (const name of names) schemas.delete(name);
  return { schemas, kinds: indexKinds(schemas) };
}

/** The name of the schema describing `gvk`, if any. */
export function schemaNameForKind(registry: SchemaRegistry, gvk: GroupVersionKind): string | undefined {
  return registry.kinds.get(gvkKey(gvk));
}

/** The component name a `$ref` points at, or undefined for other references. */
export function refName(ref: string): string | undefined {
  return ref.startsWith(COMPONENT_REF_PREFIX) ? ref.slice(COMPONENT_REF_PREFIX.length) : undefined;
}

/**
 * Follows `allOf: [x]` and `$ref` until reaching a schema with content (as kubectl does: the
 * first `allOf` entry, then the reference). Undefined when a reference does not resolve.
 */
export function resolveSchema(registry: SchemaRegistry, schema: OpenApiSchema): OpenApiSchema | undefined {
  let current: OpenApiSchema | undefined = schema;
  for (let hops = 0; current !== undefined && hops < 32; hops++) {
    if (current.allOf !== undefined && current.allOf.length > 0) {
      current = current.allOf[0];
      continue;
    }
    if (current.$ref === undefined) return current;
    const name = refName(current.$ref);
    current = name === undefined ? undefined : registry.schemas.get(name);
  }
  return undefined;
}

function collectRefs(value: unknown, into: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, into);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string') {
      const name = refName(v);
      if (name !== undefined) into.push(name);
    } else {
      collectRefs(v, into);
    }
  }
}

/**
 * The named schemas and every schema they reach through `$ref`, found in any JSON value (a
 * schema, or a whole paths object), sorted by name. Throws on a reference the registry lacks,
 * since a published document with a dangling reference breaks `kubectl explain`.
 */
export function referencedSchemas(registry: SchemaRegistry, roots: unknown): Map<string, OpenApiSchema> {
  const pending: string[] = [];
  collectRefs(roots, pending);
  const found = new Map<string, OpenApiSchema>();
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (found.has(name)) continue;
    const schema = registry.schemas.get(name);
    if (schema === undefined) throw new Error(`schema ${name} is referenced but not registered`);
    found.set(name, schema);
    collectRefs(schema, pending);
  }
  return new Map([...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A kind's schema and how the `$ref`s within it resolve (undefined: a dangling reference). */
export interface KindSchema {
  readonly schema: OpenApiSchema;
  readonly resolve: (schema: OpenApiSchema) => OpenApiSchema | undefined;
}

/** The schema describing `gvk` with its resolver, or undefined when the registry has none. */
export function kindSchemaOf(registry: SchemaRegistry, gvk: GroupVersionKind): KindSchema | undefined {
  const name = schemaNameForKind(registry, gvk);
  const schema = name === undefined ? undefined : registry.schemas.get(name);
  if (schema === undefined) return undefined;
  return { schema, resolve: (s) => resolveSchema(registry, s) };
}
