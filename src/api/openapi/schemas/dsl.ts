/**
 * A small builder language for the built-in schemas, so each kind reads as a compact list of
 * fields: `obj({ name: str('…') })`, `arr(ref(…), { mergeKey: 'name' })`, `map(str())`. Every
 * builder returns plain OpenAPI data (schema-types.ts); nothing here is evaluated lazily.
 */
import type { GroupVersionKind } from '../../meta/types.ts';
import { COMPONENT_REF_PREFIX, type OpenApiSchema, type PatchStrategy, type SchemaSet } from '../schema-types.ts';

/** Prefix of the metav1 schema names (`io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`). */
export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** Name of the int-or-string schema. */
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
/** Name of the resource quantity schema (`500m`, `1Gi`, `2`). */
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/**
 * The schema name prefix of an API group/version, as Kubernetes names its Go packages:
 * `io.k8s.api.<first label of the group, or core>.<version>.`.
 */
export function apiPrefix(group: string, version: string): string {
  const pkg = group === '' ? 'core' : group.split('.')[0]!;
  return `io.k8s.api.${pkg}.${version}.`;
}

function describe(description: string | undefined): { description?: string } {
  return description === undefined ? {} : { description };
}

export function str(description?: string, extra: { format?: string; enum?: readonly string[]; default?: string } = {}): OpenApiSchema {
  return { type: 'string', ...describe(description), ...extra };
}

export function int32(description?: string): OpenApiSchema {
  return { type: 'integer', format: 'int32', ...describe(description) };
}

export function int64(description?: string): OpenApiSchema {
  return { type: 'integer', format: 'int64', ...describe(description) };
}

export function num(description?: string): OpenApiSchema {
  return { type: 'number', format: 'double', ...describe(description) };
}

export function bool(description?: string): OpenApiSchema {
  return { type: 'boolean', ...describe(description) };
}

/** Base64-encoded bytes. */
export function bytes(description?: string): OpenApiSchema {
  return { type: 'string', format: 'byte', ...describe(description) };
}

/** A reference to a component schema; wrapped in `allOf` when it carries a description. */
export function ref(name: string, description?: string): OpenApiSchema {
  const target = { $ref: COMPONENT_REF_PREFIX + name };
  return description === undefined ? target : { allOf: [target], description };
}

/** An RFC 3339 timestamp (metav1.Time). */
export function time(description?: string): OpenApiSchema {
  return ref(`${META}Time`, description);
}

/** A timestamp with microseconds (metav1.MicroTime). */
export function microTime(description?: string): OpenApiSchema {
  return ref(`${META}MicroTime`, description);
}

export function intOrString(description?: string): OpenApiSchema {
  return ref(INT_OR_STRING, description);
}

export function quantity(description?: string): OpenApiSchema {
  return ref(QUANTITY, description);
}

/** A map of resource names to quantities (`cpu: 500m`). */
export function resourceList(description?: string): OpenApiSchema {
  return map(ref(QUANTITY), description);
}

export interface ObjectOptions {
  readonly required?: readonly string[];
  /** `atomic` when the object is replaced as a whole by server-side apply. */
  readonly mapType?: 'atomic' | 'granular';
}

/** An object with named fields. */
export function obj(
  description: string | undefined,
  properties: Readonly<Record<string, OpenApiSchema>>,
  options: ObjectOptions = {},
): OpenApiSchema {
  return {
    type: 'object',
    ...describe(description),
    properties,
    ...(options.required === undefined ? {} : { required: options.required }),
    ...(options.mapType === undefined ? {} : { 'x-kubernetes-map-type': options.mapType }),
  };
}

/** A map from arbitrary string keys to `values`. */
export function map(values: OpenApiSchema, description?: string, mapType?: 'atomic' | 'granular'): OpenApiSchema {
  return {
    type: 'object',
    ...describe(description),
    additionalProperties: values,
    ...(mapType === undefined ? {} : { 'x-kubernetes-map-type': mapType }),
  };
}

/**
 * An object whose fields are not described here; its content is kept as sent. Only for parts
 * that clients never merge into (a strategic merge patch replaces what it cannot look up).
 */
export function loose(description?: string): OpenApiSchema {
  return { type: 'object', ...describe(description), 'x-kubernetes-preserve-unknown-fields': true };
}

export interface ListOptions {
  readonly description?: string;
  /** Strategic-merge-patch strategy; lists without one are replaced as a whole. */
  readonly strategy?: PatchStrategy;
  /** The field identifying an element when the strategy merges. */
  readonly mergeKey?: string;
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
}

export function arr(items: OpenApiSchema, options: ListOptions | string = {}): OpenApiSchema {
  const o: ListOptions = typeof options === 'string' ? { description: options } : options;
  return {
    type: 'array',
    ...describe(o.description),
    items,
    ...(o.strategy === undefined ? {} : { 'x-kubernetes-patch-strategy': o.strategy }),
    ...(o.mergeKey === undefined ? {} : { 'x-kubernetes-patch-merge-key': o.mergeKey }),
    ...(o.listType === undefined ? {} : { 'x-kubernetes-list-type': o.listType }),
    ...(o.listMapKeys === undefined ? {} : { 'x-kubernetes-list-map-keys': o.listMapKeys }),
  };
}

/** A list replaced as a whole by patches. */
export function atomicList(items: OpenApiSchema, description?: string): OpenApiSchema {
  return arr(items, { description, listType: 'atomic' });
}

/** A list of objects merged element by element on `key` (the keys of the list map default to it). */
export function keyedList(
  items: OpenApiSchema,
  key: string,
  description?: string,
  extra: { retainKeys?: boolean; listMapKeys?: readonly string[]; listType?: 'atomic' | 'map' } = {},
): OpenApiSchema {
  const listType = extra.listType ?? 'map';
  return arr(items, {
    description,
    strategy: extra.retainKeys === true ? 'merge,retainKeys' : 'merge',
    mergeKey: key,
    listType,
    ...(listType === 'map' ? { listMapKeys: extra.listMapKeys ?? [key] } : {}),
  });
}

/** A list of unique strings merged as a set (finalizers). */
export function stringSet(description?: string): OpenApiSchema {
  return arr(str(), { description, strategy: 'merge', listType: 'set' });
}

/** A list of strings replaced as a whole (command, args). */
export function strings(description?: string): OpenApiSchema {
  return atomicList(str(), description);
}

/** A status condition list, merged by `type`. */
export function conditions(conditionSchema: string, description = 'The latest observations of the object state.'): OpenApiSchema {
  return keyedList(ref(conditionSchema), 'type', description);
}

const API_VERSION_DESCRIPTION = 'The versioned schema of this representation (group/version).';
const KIND_DESCRIPTION = 'The kind of object this representation is, in CamelCase.';

/** A top-level kind: apiVersion, kind and metadata, plus `properties`, tagged with its GVK. */
export function kind(gvk: GroupVersionKind, description: string, properties: Readonly<Record<string, OpenApiSchema>>, required?: readonly string[]): OpenApiSchema {
  return {
    type: 'object',
    description,
    properties: {
      apiVersion: str(API_VERSION_DESCRIPTION),
      kind: str(KIND_DESCRIPTION),
      metadata: ref(`${META}ObjectMeta`, 'Standard object metadata: name, namespace, labels, annotations, and more.'),
      ...properties,
    },
    ...(required === undefined ? {} : { required }),
    'x-kubernetes-group-version-kind': [gvk],
  };
}

/** The `<Kind>List` schema of a kind (`items` of the kind, and list metadata). */
export function kindList(gvk: GroupVersionKind, itemSchema: string): OpenApiSchema {
  return {
    type: 'object',
    description: `A list of ${gvk.kind} objects.`,
    properties: {
      apiVersion: str(API_VERSION_DESCRIPTION),
      items: arr(ref(itemSchema), `The ${gvk.kind} objects.`),
      kind: str(KIND_DESCRIPTION),
      metadata: ref(`${META}ListMeta`, 'Standard list metadata: resourceVersion and continue token.'),
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': [{ ...gvk, kind: `${gvk.kind}List` }],
  };
}

/**
 * A kind and its list, named after the group/version: `kindWithList({group:'apps',…,kind:'Deployment'}, …)`
 * yields `io.k8s.api.apps.v1.Deployment` and `io.k8s.api.apps.v1.DeploymentList`.
 */
export function kindWithList(gvk: GroupVersionKind, description: string, properties: Readonly<Record<string, OpenApiSchema>>, required?: readonly string[]): SchemaSet {
  const name = apiPrefix(gvk.group, gvk.version) + gvk.kind;
  return { [name]: kind(gvk, description, properties, required), [`${name}List`]: kindList(gvk, name) };
}
