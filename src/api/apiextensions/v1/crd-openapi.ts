/**
 * The OpenAPI component schemas a served CRD version publishes, so `kubectl explain`, kubectl's
 * field-validation detection and the server's own unknown-field checks see custom resources as
 * they see built-in kinds. Named as Kubernetes names them, after the reversed group:
 * `com.example.stable.v1.CronTab` and `com.example.stable.v1.CronTabList`.
 *
 * The kind schema is the version's openAPIV3Schema with `apiVersion`, `kind` and `metadata`
 * (ObjectMeta) added at the root and in embedded resources, and the GVK tag kubectl matches on.
 * An object schema with neither properties nor additionalProperties (and not preserving unknown
 * fields) gets an empty `properties`, stating that it holds no fields, as pruning treats it.
 */
import { isObject, type JsonObject } from '../../meta/shape.ts';
import type { GroupVersionKind } from '../../meta/types.ts';
import type { SchemaSet } from '../../openapi/schema-types.ts';
import { COMPONENT_REF_PREFIX } from '../../openapi/schema-types.ts';
import { META } from '../../openapi/schemas/dsl.ts';
import type { ResourceType } from '../../resource-type.ts';

const API_VERSION = { type: 'string', description: 'The versioned schema of this representation (group/version).' };
const KIND = { type: 'string', description: 'The kind of object this representation is, in CamelCase.' };
const OBJECT_META = { allOf: [{ $ref: `${COMPONENT_REF_PREFIX}${META}ObjectMeta` }], description: 'Standard object metadata.' };

/** `com.example.stable.v1.` for stable.example.com/v1. */
export function customSchemaPrefix(group: string, version: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.`;
}

function withResourceFields(s: JsonObject): void {
  s['properties'] = { ...(isObject(s['properties']) ? s['properties'] : {}), apiVersion: API_VERSION, kind: KIND, metadata: OBJECT_META };
}

function publish(node: unknown, root: boolean): unknown {
  if (!isObject(node)) return node;
  const s: JsonObject = structuredClone(node);
  if (isObject(s['properties'])) {
    s['properties'] = Object.fromEntries(Object.entries(s['properties']).map(([k, v]) => [k, publish(v, false)]));
  }
  if (isObject(s['items'])) s['items'] = publish(s['items'], false);
  if (isObject(s['additionalProperties'])) s['additionalProperties'] = publish(s['additionalProperties'], false);
  if (root || s['x-kubernetes-embedded-resource'] === true) withResourceFields(s);
  const open = s['x-kubernetes-preserve-unknown-fields'] === true || s['additionalProperties'] !== undefined || s['properties'] !== undefined;
  if (s['type'] === 'object' && !open) s['properties'] = {};
  return s;
}

/** The kind and list schemas of one CRD version (`schema` is its openAPIV3Schema). */
export function customResourceSchemas(type: ResourceType, schema: unknown, description?: string): SchemaSet {
  const prefix = customSchemaPrefix(type.group, type.version);
  const gvk: GroupVersionKind = { group: type.group, version: type.version, kind: type.kind };
  const kindSchema = publish(schema, true) as JsonObject;
  if (description !== undefined && kindSchema['description'] === undefined) kindSchema['description'] = description;
  kindSchema['x-kubernetes-group-version-kind'] = [gvk];
  const list: JsonObject = {
    type: 'object',
    description: `A list of ${type.kind} objects.`,
    properties: {
      apiVersion: API_VERSION,
      items: { type: 'array', description: `The ${type.kind} objects.`, items: { $ref: `${COMPONENT_REF_PREFIX}${prefix}${type.kind}` } },
      kind: KIND,
      metadata: { allOf: [{ $ref: `${COMPONENT_REF_PREFIX}${META}ListMeta` }], description: 'Standard list metadata.' },
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': [{ ...gvk, kind: type.listKind }],
  };
  return { [`${prefix}${type.kind}`]: kindSchema, [`${prefix}${type.listKind}`]: list };
}
