/**
 * What one served version of a CRD means for its objects, as pure functions the apiserver's
 * custom resource strategy is assembled from: the resource type (from the CRD's accepted
 * names), preparing an object (pruning, defaulting), validating it (its schema, the scale
 * paths; on update only the parts that changed, as Kubernetes ratchets CRD validation), when
 * `metadata.generation` moves, the Table columns (`additionalPrinterColumns`, or Age), the scale
 * subresource mapping, and the selectable fields.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { evaluateJsonPath, parseJsonPath, simplePathFields, type JsonPath } from '../../meta/jsonpath.ts';
import { isObject, type JsonObject } from '../../meta/shape.ts';
import type { TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { invalid } from '../../validation/field-errors.ts';
import { applySchemaDefaults } from '../schema/defaulting.ts';
import { pruneUnknownFields } from '../schema/pruning.ts';
import { compileSchemaValidator, type SchemaValidator } from '../schema/validator.ts';
import type { CustomResourceColumnDefinition, CustomResourceDefinition, CustomResourceDefinitionVersion, CustomResourceSubresourceScale } from './types.ts';

const MAX_INT32 = 2147483647;

/** The resource type a CRD's version is served as (from its accepted names). */
export function customResourceType(crd: CustomResourceDefinition, version: string): ResourceType {
  const names = crd.status?.acceptedNames ?? crd.spec.names;
  return {
    group: crd.spec.group,
    version,
    kind: names.kind,
    resource: names.plural,
    singular: names.singular ?? names.kind.toLowerCase(),
    listKind: names.listKind ?? `${names.kind}List`,
    namespaced: crd.spec.scope === 'Namespaced',
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
  };
}

/** The openAPIV3Schema of a version (CRDs in v1 always have one). */
export function versionSchema(version: CustomResourceDefinitionVersion): unknown {
  return version.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
}

/** Prunes unknown fields and applies the schema's defaults, in place (before validation). */
export function normalizeCustomResource(obj: KubeObject, schema: unknown): void {
  pruneUnknownFields(obj, schema);
  applySchemaDefaults(obj, schema);
}

/** The value at a Kubernetes field path such as `spec.ports[1].name` (undefined when absent). */
export function valueAtFieldPath(obj: unknown, path: string): unknown {
  let current: unknown = obj;
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) current = Array.isArray(current) ? current[Number(m[2])] : undefined;
    else current = isObject(current) ? current[m[1]!] : undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

function nested(obj: unknown, fields: readonly string[]): unknown {
  let current = obj;
  for (const f of fields) current = isObject(current) ? current[f] : undefined;
  return current;
}

/** The scale subresource as paths into the object. */
export interface CustomResourceScale {
  specReplicas(obj: KubeObject): number;
  statusReplicas(obj: KubeObject): number;
  selector(obj: KubeObject): string;
  setSpecReplicas(obj: KubeObject, replicas: number): void;
  /** Errors of values at the scale paths that are not what Scale can carry. */
  validate(obj: KubeObject): FieldError[];
}

export function customResourceScale(scale: CustomResourceSubresourceScale): CustomResourceScale {
  const spec = simplePathFields(scale.specReplicasPath) ?? [];
  const status = simplePathFields(scale.statusReplicasPath) ?? [];
  const selector = scale.labelSelectorPath !== undefined && scale.labelSelectorPath !== '' ? (simplePathFields(scale.labelSelectorPath) ?? []) : undefined;
  const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) ? v : 0);
  const checkCount = (v: unknown, path: string): FieldError[] => {
    if (v === undefined) return [];
    if (typeof v !== 'number' || !Number.isInteger(v)) return [invalid(path, v, 'should be an integer')];
    if (v < 0) return [invalid(path, v, 'should be a non-negative integer')];
    if (v > MAX_INT32) return [invalid(path, v, `should be less than or equal to ${MAX_INT32}`)];
    return [];
  };
  return {
    specReplicas: (obj) => count(nested(obj, spec)),
    statusReplicas: (obj) => count(nested(obj, status)),
    selector: (obj) => {
      const v = selector === undefined ? undefined : nested(obj, selector);
      return typeof v === 'string' ? v : '';
    },
    setSpecReplicas: (obj, replicas) => {
      let current: JsonObject = obj;
      spec.slice(0, -1).forEach((f) => {
        if (!isObject(current[f])) current[f] = {};
        current = current[f];
      });
      current[spec[spec.length - 1]!] = replicas;
    },
    validate: (obj) => {
      const errs = [...checkCount(nested(obj, spec), spec.join('.')), ...checkCount(nested(obj, status), status.join('.'))];
      const sel = selector === undefined ? undefined : nested(obj, selector);
      if (sel !== undefined && typeof sel !== 'string') errs.push(invalid(selector!.join('.'), sel, 'should be a string'));
      return errs;
    },
  };
}

/** Everything but metadata (and the type fields) changed: what bumps a custom resource's generation. */
export function customResourceGenerationChanged(obj: KubeObject, old: KubeObject): boolean {
  const strip = ({ metadata: _m, apiVersion: _a, kind: _k, ...rest }: KubeObject): Record<string, unknown> => rest;
  return !deepEqual(strip(obj), strip(old));
}

/** A validator of whole objects of one CRD version: schema and scale paths. */
export interface CustomResourceValidator {
  validateCreate(obj: KubeObject): FieldError[];
  /** Errors at fields whose value did not change are dropped (ratcheting), so an object that a newer schema rejects can still be updated elsewhere. */
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
}

export function customResourceValidator(schema: unknown, scale: CustomResourceScale | null): CustomResourceValidator {
  const validate: SchemaValidator = compileSchemaValidator(schema);
  const all = (obj: KubeObject): FieldError[] => {
    const errs = validate(obj);
    // The scale paths' own checks only add to what the schema did not already refuse there.
    const reported = new Set(errs.map((e) => e.field));
    return [...errs, ...(scale?.validate(obj) ?? []).filter((e) => !reported.has(e.field))];
  };
  return {
    validateCreate: all,
    validateUpdate: (obj, old) => all(obj).filter((e) => e.field === '' || !deepEqual(valueAtFieldPath(obj, e.field), valueAtFieldPath(old, e.field))),
  };
}

/** Printer columns: the definitions (after Name) and the cells of a row. */
export interface CustomResourceTable {
  readonly columns: readonly TableColumnSpec[];
  row(obj: KubeObject, now: Date): unknown[];
}

const AGE_DEFAULT: CustomResourceColumnDefinition = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

function cell(type: string, values: unknown[], now: Date): unknown {
  if (values.length === 0) return null;
  const v = values[0];
  switch (type) {
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date':
      return typeof v === 'string' ? translateTimestampSince(v, now) : null;
    default:
      if (v === null || v === undefined) return null;
      return typeof v === 'string' ? v : JSON.stringify(v);
  }
}

/** The Table of a CRD version: its additionalPrinterColumns, or Age when it has none. */
export function customResourceTable(version: CustomResourceDefinitionVersion): CustomResourceTable {
  const defs = version.additionalPrinterColumns !== undefined && version.additionalPrinterColumns.length > 0 ? version.additionalPrinterColumns : [AGE_DEFAULT];
  const compiled: { def: CustomResourceColumnDefinition; path: JsonPath | undefined }[] = defs.map((def) => {
    try {
      return { def, path: parseJsonPath(def.jsonPath) };
    } catch {
      return { def, path: undefined };
    }
  });
  return {
    columns: defs.map((d) => ({
      name: d.name,
      type: d.type,
      ...(d.format !== undefined && d.format !== '' ? { format: d.format } : {}),
      description: d.description ?? `Custom resource definition column (in JSONPath format): ${d.jsonPath}`,
      priority: d.priority ?? 0,
    })),
    row: (obj, now) => compiled.map(({ def, path }) => (path === undefined ? null : cell(def.type, evaluateJsonPath(path, obj), now))),
  };
}

/** Field selectors a version declares (`selectableFields`): path → value as a selector compares it. */
export function customResourceFieldSelectors(version: CustomResourceDefinitionVersion): Record<string, (obj: KubeObject) => string | undefined> {
  const out: Record<string, (obj: KubeObject) => string | undefined> = {};
  for (const f of version.selectableFields ?? []) {
    const fields = simplePathFields(f.jsonPath);
    if (fields === undefined) continue;
    out[fields.join('.')] = (obj) => {
      const v = nested(obj, fields);
      return v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
    };
  }
  return out;
}

/**
 * The `Warning` a request to a deprecated version gets: its deprecationWarning, or upstream's
 * default pointing at the newest served version of equal or greater stability.
 */
export function deprecationWarning(crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion, preferredOrder: (a: string, b: string) => number): string | undefined {
  if (version.deprecated !== true) return undefined;
  if (version.deprecationWarning !== undefined) return version.deprecationWarning;
  const kind = crd.status?.acceptedNames?.kind ?? crd.spec.names.kind;
  let message = `${crd.spec.group}/${version.name} ${kind} is deprecated`;
  const better = crd.spec.versions
    .filter((v) => v.served && v.deprecated !== true && v.name !== version.name && preferredOrder(v.name, version.name) < 0)
    .map((v) => v.name)
    .sort(preferredOrder)[0];
  if (better !== undefined) message += `; use ${crd.spec.group}/${better} ${kind}`;
  return message;
}
