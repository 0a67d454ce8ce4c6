/**
 * Checking a decoded body against its kind's schema, in one walk over the value and the schema
 * together (the part of decoding and server-side field validation that needs the schema):
 *
 * - Unknown fields: every key of an object schema with `properties` that is not among them, at
 *   any depth, through lists and maps. Objects whose schema keeps unknown fields
 *   (`x-kubernetes-preserve-unknown-fields`) or has no declared fields are open: their declared
 *   fields are still checked, the rest are kept. Unknown fields are removed as they are found,
 *   since upstream's decoder drops them whatever the validation mode.
 * - JSON types, when asked (`types`, for built-in kinds, which upstream decodes into typed
 *   structs): the first value whose JSON type its position refuses (rules in json-types.ts),
 *   and, under positions the schema leaves open, the first number that is not finite. Custom
 *   resources are not type-checked here: their structural schema validation does that (422).
 *
 * Upstream: kubernetes/apimachinery pkg/runtime/serializer/json (strict decoding),
 * apiextensions-apiserver pkg/apiserver/schema/pruning (custom resources).
 */
import { isObject } from '../meta/shape.ts';
import type { KindSchema } from '../openapi/registry.ts';
import type { OpenApiSchema } from '../openapi/schema-types.ts';
import { describeJsonType, describeJsonValue, fitsJsonType, jsonTypeOf, OUT_OF_RANGE_NUMBER } from './json-types.ts';

/** A value of the wrong JSON type, at `path` (`spec.template.spec.containers[0].ports[1].containerPort`). */
export interface WrongType {
  readonly path: string;
  /** What the position takes: `int32 (a whole number)`. */
  readonly expected: string;
  /** What it holds: `string "abc"`. */
  readonly got: string;
}

export interface SchemaFieldsResult {
  /** Paths of the unknown fields, in document order, as upstream writes them: `spec.template.spec.containers[0].foo`. */
  readonly unknown: string[];
  /** The first value of the wrong JSON type (types checked only); the walk stops there. */
  readonly wrongType: WrongType | undefined;
}

export interface SchemaFieldsOptions {
  /** Whether JSON types are checked (built-in kinds) or only unknown fields (custom resources). */
  readonly types: boolean;
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

class SchemaWalk {
  readonly unknown: string[] = [];
  wrongType: WrongType | undefined;
  readonly #resolve: KindSchema['resolve'];
  readonly #types: boolean;

  constructor(resolve: KindSchema['resolve'], types: boolean) {
    this.#resolve = resolve;
    this.#types = types;
  }

  walk(value: unknown, schema: OpenApiSchema, path: string): void {
    if (this.wrongType !== undefined) return;
    const s = this.#resolve(schema);
    if (s === undefined) return this.#open(value, path);
    const type = jsonTypeOf(s);
    if (this.#types && type !== undefined && !fitsJsonType(value, type)) {
      this.wrongType = { path, expected: describeJsonType(type), got: describeJsonValue(value) };
      return;
    }
    if (type === 'int-or-string' || type === 'quantity') return;
    if (Array.isArray(value)) {
      const items = s.items;
      for (let i = 0; i < value.length; i++) {
        if (items === undefined) this.#open(value[i], `${path}[${i}]`);
        else this.walk(value[i], items, `${path}[${i}]`);
      }
      return;
    }
    if (!isObject(value)) {
      if (type === undefined) this.#open(value, path);
      return;
    }
    const properties = s.properties;
    const values = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    const open = s['x-kubernetes-preserve-unknown-fields'] === true || s.additionalProperties === true || properties === undefined;
    for (const key of Object.keys(value)) {
      const child = childPath(path, key);
      const property = properties !== undefined && Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined;
      if (property !== undefined) {
        this.walk(value[key], property, child);
      } else if (values !== undefined) {
        this.walk(value[key], values, child);
      } else if (open) {
        this.#open(value[key], child);
      } else {
        this.unknown.push(child);
        delete value[key];
      }
    }
  }

  /** A value the schema does not describe: any JSON goes, but its numbers must be finite. */
  #open(value: unknown, path: string): void {
    if (!this.#types || this.wrongType !== undefined) return;
    const at = nonFiniteNumberAt(value);
    if (at !== undefined) this.wrongType = { path: `${path}${at}`.replace(/^\./, ''), expected: 'a finite number', got: OUT_OF_RANGE_NUMBER };
  }
}

/**
 * Where in `value` its first non-finite number is, relative to it (`''`: the value itself,
 * `.a[0]`); undefined when there is none. Paths are built only for the one found.
 */
function nonFiniteNumberAt(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : '';
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = nonFiniteNumberAt(value[i]);
      if (at !== undefined) return `[${i}]${at}`;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const at = nonFiniteNumberAt((value as Record<string, unknown>)[key]);
    if (at !== undefined) return `.${key}${at}`;
  }
  return undefined;
}

/**
 * Walks `value` (a decoded body, changed in place: unknown fields are removed) against its
 * kind's schema.
 */
export function checkSchemaFields(value: unknown, kind: KindSchema, options: SchemaFieldsOptions): SchemaFieldsResult {
  const walk = new SchemaWalk(kind.resolve, options.types);
  walk.walk(value, kind.schema, '');
  return { unknown: walk.unknown, wrongType: walk.wrongType };
}
