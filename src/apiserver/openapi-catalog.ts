/**
 * The schemas one API server knows: the built-in ones (src/api/openapi/schemas/index.ts) plus
 * those registered while it runs. Everything schema-driven reads them from here: the
 * /openapi/v3 documents, field validation, strategic merge patch and server-side apply.
 *
 * Registration point for kinds added at run time (custom resources, or any kind whose schema
 * is not built in):
 *
 *   const catalog = openApiCatalog(apiRegistry);
 *   catalog.putSchemas('crd:crontabs.stable.example.com', schemas, { strategicMergePatch: false });
 *   catalog.removeSchemas('crd:crontabs.stable.example.com');
 *
 * `schemas` is a SchemaSet (`kindWithList(...)` builds one; its kind schema carries
 * `x-kubernetes-group-version-kind`). A source name groups the schemas registered together, so
 * they are replaced or removed as a unit. The published documents change (and their hashes
 * with them) on the next request, and so does what the server validates and merges.
 */
import type { GroupVersionKind } from '../api/meta/types.ts';
import { buildOpenApi, type OpenApiSet } from '../api/openapi/document.ts';
import { patchSchemaForKind } from '../api/openapi/patch-schema.ts';
import { extendSchemaRegistry, gvkKey, kindSchemaOf, resolveSchema, schemaNameForKind, type KindSchema, type SchemaRegistry } from '../api/openapi/registry.ts';
import type { SchemaSet } from '../api/openapi/schema-types.ts';
import { builtinSchemaRegistry } from '../api/openapi/schemas/index.ts';
import type { PatchSchema } from '../api/patch/patch-schema.ts';
import { TypeNodes, UNTYPED, type TypeNode } from '../api/apply/type-node.ts';
import type { ApiRegistry } from './registry/api-registry.ts';
import { K8TS_VERSION } from './version.ts';

export interface SchemaSourceOptions {
  /**
   * Whether the kinds of these schemas take strategic merge patches. False for custom
   * resources, as upstream: their PATCH operations do not list the content type (so kubectl
   * sends JSON merge patches) and the server answers 415 to one.
   */
  readonly strategicMergePatch?: boolean;
}

interface Source {
  readonly schemas: SchemaSet;
  readonly strategicMergePatch: boolean;
}

export class OpenApiCatalog {
  readonly #sources = new Map<string, Source>();
  #registry: SchemaRegistry = builtinSchemaRegistry;
  #types = typeNodesOf(builtinSchemaRegistry);
  #noStrategicMergePatch = new Set<string>();
  #version = 0;
  #documents: { version: number; registryGeneration: number; set: OpenApiSet } | undefined;

  /** Adds or replaces the schemas of `source`. Throws when two schemas claim the same kind. */
  putSchemas(source: string, schemas: SchemaSet, options: SchemaSourceOptions = {}): void {
    const next = new Map(this.#sources);
    next.set(source, { schemas, strategicMergePatch: options.strategicMergePatch ?? true });
    this.#rebuild(next);
  }

  /** Removes the schemas of `source` (nothing happens when there are none). */
  removeSchemas(source: string): void {
    if (!this.#sources.has(source)) return;
    const next = new Map(this.#sources);
    next.delete(source);
    this.#rebuild(next);
  }

  #rebuild(sources: Map<string, Source>): void {
    // Built first, so a clash throws before anything changes.
    const registry = extendSchemaRegistry(builtinSchemaRegistry, ...[...sources.values()].map((s) => s.schemas));
    const noSmp = new Set<string>();
    for (const source of sources.values()) {
      if (source.strategicMergePatch) continue;
      for (const schema of Object.values(source.schemas)) {
        for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) noSmp.add(gvkKey(gvk));
      }
    }
    this.#sources.clear();
    for (const [name, source] of sources) this.#sources.set(name, source);
    this.#registry = registry;
    this.#types = typeNodesOf(registry);
    this.#noStrategicMergePatch = noSmp;
    this.#version++;
  }

  /** All schemas in use now. The value is immutable: a later registration yields a new one. */
  get schemas(): SchemaRegistry {
    return this.#registry;
  }

  /** Whether `gvk` takes strategic merge patches (true for kinds without a registered schema). */
  strategicMergePatch(gvk: GroupVersionKind): boolean {
    return !this.#noStrategicMergePatch.has(gvkKey(gvk));
  }

  /** The schema of a kind, for field validation; undefined when none is registered. */
  kindSchema(gvk: GroupVersionKind): KindSchema | undefined {
    return kindSchemaOf(this.#registry, gvk);
  }

  /**
   * Whether bodies of `gvk` are checked for JSON types at decode time: built-in kinds are, as
   * upstream decodes them into typed structs (a wrong type is a 400); custom resources are
   * checked by their own structural schema validation instead (422).
   */
  typedDecoding(gvk: GroupVersionKind): boolean {
    return schemaNameForKind(builtinSchemaRegistry, gvk) !== undefined;
  }

  /** The server-side apply view of a kind (untyped, i.e. deduced from values, without a schema). */
  typeOf(gvk: GroupVersionKind): TypeNode {
    const kind = kindSchemaOf(this.#registry, gvk);
    return kind === undefined ? UNTYPED : this.#types.of(kind.schema);
  }

  /** The strategic-merge-patch view of a kind (undefined: plain merge semantics). */
  patchSchema(gvk: GroupVersionKind): PatchSchema | undefined {
    return patchSchemaForKind(this.#registry, gvk);
  }

  /** The OpenAPI documents of the resources `registry` serves, rebuilt when either changes. */
  documents(registry: ApiRegistry): OpenApiSet {
    const cached = this.#documents;
    if (cached !== undefined && cached.version === this.#version && cached.registryGeneration === registry.generation) return cached.set;
    // A kind without a schema does not advertise strategic merge patch either: kubectl would
    // look for the schema to compute one, so it must send a JSON merge patch instead.
    const resources = registry.all().map((r) => {
      const type = r.store.strategy.type;
      const strategicMergePatch = this.strategicMergePatch(type) && schemaNameForKind(this.#registry, type) !== undefined;
      return { type, verbs: r.verbs, subresources: r.subresources, strategicMergePatch };
    });
    const set = buildOpenApi(resources, this.#registry, { version: K8TS_VERSION });
    this.#documents = { version: this.#version, registryGeneration: registry.generation, set };
    return set;
  }
}

function typeNodesOf(registry: SchemaRegistry): TypeNodes {
  return new TypeNodes((s) => resolveSchema(registry, s));
}

const catalogs = new WeakMap<ApiRegistry, OpenApiCatalog>();

/** The catalog of the server that owns `registry` (one per server, created on first use). */
export function openApiCatalog(registry: ApiRegistry): OpenApiCatalog {
  let catalog = catalogs.get(registry);
  if (catalog === undefined) {
    catalog = new OpenApiCatalog();
    catalogs.set(registry, catalog);
  }
  return catalog;
}
