/**
 * Defaulting from a CRD's schema, the way Kubernetes' structural defaulting works: walking the
 * object top-down, a property that is absent gets a copy of its schema's `default`, and so does
 * one that is null when the schema does not say `nullable: true`; a non-nullable null without a
 * default is dropped. Defaults are applied inside defaults (an object defaulted to `{}` gets its
 * own properties' defaults). Only objects that exist are entered: `spec.replicas` is defaulted
 * only when `spec` is present (or itself has a default).
 */
import { isObject } from '../../meta/shape.ts';

function defaultNode(value: unknown, schema: unknown, root: boolean): void {
  if (!isObject(schema)) return;
  if (Array.isArray(value)) {
    const items = schema['items'];
    if (isObject(items)) for (const item of value) defaultNode(item, items, false);
    return;
  }
  if (!isObject(value)) return;
  const properties = schema['properties'];
  if (isObject(properties)) {
    for (const [key, property] of Object.entries(properties)) {
      if (!isObject(property) || (root && (key === 'metadata' || key === 'apiVersion' || key === 'kind'))) continue;
      const current = value[key];
      const nullable = property['nullable'] === true;
      if ((current === undefined || (current === null && !nullable)) && property['default'] !== undefined) {
        value[key] = structuredClone(property['default']);
      } else if (current === null && !nullable) {
        delete value[key];
      }
      if (value[key] !== undefined) defaultNode(value[key], property, false);
    }
  }
  const additional = schema['additionalProperties'];
  if (isObject(additional)) {
    for (const key of Object.keys(value)) {
      if (isObject(properties) && properties[key] !== undefined) continue;
      if (value[key] === null && additional['nullable'] !== true && additional['default'] === undefined) {
        delete value[key];
        continue;
      }
      defaultNode(value[key], additional, false);
    }
  }
}

/** Applies the defaults of `schema` (a CRD version's openAPIV3Schema) to `obj`, in place. */
export function applySchemaDefaults(obj: unknown, schema: unknown): void {
  defaultNode(obj, schema, true);
}
