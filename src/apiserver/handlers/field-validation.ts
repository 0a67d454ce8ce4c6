/**
 * Server-side field validation (`fieldValidation=Strict|Warn|Ignore`): fields the kind's schema
 * does not know, and duplicate keys in the JSON body. Strict refuses them (400 "strict decoding
 * error"), Warn (the default) accepts the object and adds a `Warning: 299` header per field,
 * Ignore accepts silently. Unknown fields are dropped from the stored object in every mode, as
 * upstream's decoder drops them.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import type { OpenApiSchema } from '../../api/openapi/schema-types.ts';
import { findDuplicateKeys } from '../../util/json-duplicate-keys.ts';
import { badRequest } from '../errors.ts';
import type { FieldValidation } from './request-context.ts';

/** A kind's schema and how its `$ref`s resolve (undefined: a dangling reference). */
export interface KindSchema {
  readonly schema: OpenApiSchema;
  readonly resolve: (schema: OpenApiSchema) => OpenApiSchema | undefined;
}

/**
 * Removes fields unknown to `schema` from `value` (in place) and returns their paths, e.g.
 * `spec.containers[0].foo`.
 */
export function pruneUnknownFields(value: unknown, schema: OpenApiSchema, resolve: KindSchema['resolve'], path = ''): string[] {
  const s = resolve(schema);
  if (s === undefined || s['x-kubernetes-preserve-unknown-fields'] === true || s['x-kubernetes-int-or-string'] === true) return [];
  const unknown: string[] = [];
  if (Array.isArray(value)) {
    if (s.items !== undefined) value.forEach((item, i) => unknown.push(...pruneUnknownFields(item, s.items!, resolve, `${path}[${i}]`)));
    return unknown;
  }
  if (typeof value !== 'object' || value === null) return unknown;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const child = path === '' ? key : `${path}.${key}`;
    const property = s.properties?.[key];
    if (property !== undefined) {
      unknown.push(...pruneUnknownFields(obj[key], property, resolve, child));
    } else if (typeof s.additionalProperties === 'object') {
      unknown.push(...pruneUnknownFields(obj[key], s.additionalProperties, resolve, child));
    } else if (s.additionalProperties === true || s.properties === undefined) {
      // A free-form map or an object the schema leaves open.
    } else {
      unknown.push(child);
      delete obj[key];
    }
  }
  return unknown;
}

/**
 * Applies the field-validation mode to a decoded object and its raw body. Returns the warnings
 * to send (Warn mode); throws 400 in Strict mode.
 */
export function validateFields(mode: FieldValidation, obj: KubeObject, rawBody: string | undefined, kindSchema: KindSchema | undefined): string[] {
  const duplicates = rawBody === undefined ? [] : findDuplicateKeys(rawBody);
  const unknown = kindSchema === undefined ? [] : pruneUnknownFields(obj, kindSchema.schema, kindSchema.resolve);
  const problems = [...unknown.map((f) => `unknown field "${f}"`), ...duplicates.map((f) => `duplicate field "${f}"`)];
  if (problems.length === 0 || mode === 'Ignore') return [];
  if (mode === 'Strict') throw badRequest(`strict decoding error: ${problems.join(', ')}`);
  return problems;
}
