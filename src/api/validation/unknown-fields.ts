/**
 * Finding the fields of an object its kind's schema does not declare (the part of server-side
 * field validation that needs the schema): every key of an object schema with `properties`
 * that is not among them, at any depth, through lists and maps. Objects whose schema keeps
 * unknown fields (`x-kubernetes-preserve-unknown-fields`) or has no declared fields are open:
 * their declared fields are still checked, the rest are kept. Unknown fields are removed as
 * they are found, since upstream's decoder drops them whatever the validation mode.
 * Upstream: kubernetes/apimachinery pkg/runtime/serializer/json (strict decoding),
 * apiextensions-apiserver pkg/apiserver/schema/pruning (custom resources).
 */
import type { KindSchema } from '../openapi/registry.ts';
import type { OpenApiSchema } from '../openapi/schema-types.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Removes fields unknown to `schema` from `value` (in place) and returns their paths in
 * document order, as upstream writes them: `spec.template.spec.containers[0].foo`.
 */
export function pruneUnknownFields(value: unknown, schema: OpenApiSchema, resolve: KindSchema['resolve'], path = ''): string[] {
  const s = resolve(schema);
  if (s === undefined || s['x-kubernetes-int-or-string'] === true) return [];
  const unknown: string[] = [];
  if (Array.isArray(value)) {
    const items = s.items;
    if (items !== undefined) value.forEach((item, i) => unknown.push(...pruneUnknownFields(item, items, resolve, `${path}[${i}]`)));
    return unknown;
  }
  if (!isObject(value)) return unknown;
  const properties = s.properties;
  const open = s['x-kubernetes-preserve-unknown-fields'] === true || s.additionalProperties === true || properties === undefined;
  for (const key of Object.keys(value)) {
    const child = path === '' ? key : `${path}.${key}`;
    const property = properties !== undefined && Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined;
    if (property !== undefined) {
      unknown.push(...pruneUnknownFields(value[key], property, resolve, child));
    } else if (typeof s.additionalProperties === 'object') {
      unknown.push(...pruneUnknownFields(value[key], s.additionalProperties, resolve, child));
    } else if (!open) {
      unknown.push(child);
      delete value[key];
    }
  }
  return unknown;
}
