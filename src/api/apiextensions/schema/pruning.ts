/**
 * Structural pruning: a custom resource keeps only the fields its schema specifies, as
 * Kubernetes does for CRDs (apiextensions.k8s.io/v1 always prunes). A field survives when the
 * schema lists it in `properties`, when its object is a map (`additionalProperties`), or when the
 * schema says `x-kubernetes-preserve-unknown-fields: true` (then known fields inside are still
 * pruned by their own schemas). `apiVersion`, `kind` and `metadata` survive at the root and in
 * `x-kubernetes-embedded-resource` objects, whose metadata keeps the ObjectMeta fields only.
 * The root `metadata` is left to the apiserver's metadata handling.
 */
import { isObject } from '../../meta/shape.ts';

const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function pruneNode(value: unknown, schema: unknown, path: string, resourceLevel: 'root' | 'embedded' | 'none', removed: string[]): void {
  if (!isObject(schema)) return;
  if (Array.isArray(value)) {
    const items = schema['items'];
    if (isObject(items)) value.forEach((item, i) => pruneNode(item, items, `${path}[${i}]`, items['x-kubernetes-embedded-resource'] === true ? 'embedded' : 'none', removed));
    return;
  }
  if (!isObject(value) || schema['x-kubernetes-int-or-string'] === true) return;
  const properties = isObject(schema['properties']) ? schema['properties'] : {};
  const additional = schema['additionalProperties'];
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of Object.keys(value)) {
    const here = join(path, key);
    if (resourceLevel !== 'none' && (key === 'apiVersion' || key === 'kind')) continue;
    if (resourceLevel !== 'none' && key === 'metadata') {
      if (resourceLevel === 'embedded') pruneObjectMeta(value[key], here, removed);
      continue;
    }
    const property = properties[key];
    if (isObject(property)) {
      pruneNode(value[key], property, here, property['x-kubernetes-embedded-resource'] === true ? 'embedded' : 'none', removed);
    } else if (isObject(additional)) {
      pruneNode(value[key], additional, here, additional['x-kubernetes-embedded-resource'] === true ? 'embedded' : 'none', removed);
    } else if (additional === true || preserve) {
      // A free-form map, or a node that keeps what it does not know.
    } else {
      removed.push(here);
      delete value[key];
    }
  }
}

function pruneObjectMeta(meta: unknown, path: string, removed: string[]): void {
  if (!isObject(meta)) return;
  for (const key of Object.keys(meta)) {
    if (OBJECT_META_FIELDS.has(key)) continue;
    removed.push(join(path, key));
    delete meta[key];
  }
}

/**
 * Removes from `obj` (in place) every field `schema` (a CRD version's openAPIV3Schema) does not
 * specify, and returns their paths (`spec.foo`, `spec.items[0].bar`) in the order found.
 */
export function pruneUnknownFields(obj: unknown, schema: unknown): string[] {
  const removed: string[] = [];
  pruneNode(obj, schema, '', 'root', removed);
  return removed;
}

/** Whether pruning `value` by `schema` would remove anything (checks a default or example). */
export function hasUnknownFields(value: unknown, schema: unknown, embedded: boolean): string[] {
  const removed: string[] = [];
  pruneNode(structuredClone(value), schema, '', embedded ? 'embedded' : 'none', removed);
  return removed;
}
