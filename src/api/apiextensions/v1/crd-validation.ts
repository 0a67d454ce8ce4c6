/**
 * Validation of CustomResourceDefinitions (apiextensions.k8s.io/v1), with upstream's paths and
 * messages: the `<plural>.<group>` name, the group (a domain with a dot; `*.k8s.io` and
 * `*.kubernetes.io` need the `api-approved.kubernetes.io` annotation), scope, names (DNS-1035
 * labels; kind and listKind may have mixed case), versions (unique, exactly one storage
 * version, at least one served, each with a structural openAPIV3Schema whose defaults validate
 * and are pruned), subresources (scale paths under .spec/.status), printer columns, selectable
 * fields, deprecation warnings, conversion (only `None`: k8ts runs no conversion webhooks), the
 * status (acceptedNames, storedVersions), and on update the fields that may not change.
 *
 * The CRD comes from a client: every field may have the wrong type, and nothing here throws.
 */
import { isObject, type JsonObject } from '../../meta/shape.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import { JsonPathError, parseJsonPath, simplePathFields } from '../../meta/jsonpath.ts';
import { child, FIELD_IMMUTABLE, forbidden, index, invalid, key, notSupported, required, tooMany } from '../../validation/field-errors.ts';
import { isDNS1035Label, isDNS1123Subdomain } from '../../validation/names.ts';
import { hasUnknownFields } from '../schema/pruning.ts';
import { validateStructuralSchema } from '../schema/structural.ts';
import { compileSchemaValidator, SchemaCompileError } from '../schema/validator.ts';
import { crdConditionTrue, ESTABLISHED, type CustomResourceDefinition } from './types.ts';

const SCOPES = ['Cluster', 'Namespaced'];
const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const MAX_SELECTABLE_FIELDS = 8;
const APPROVAL_ANNOTATION = 'api-approved.kubernetes.io';

function strings(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function dns1035(field: string, value: unknown, mixedCase = false): FieldError[] {
  if (typeof value !== 'string') return value === undefined ? [] : [invalid(field, value, 'must be a string')];
  if (value === '') return [];
  const errs = isDNS1035Label(mixedCase ? value.toLowerCase() : value);
  if (errs.length === 0) return [];
  return [invalid(field, value, (mixedCase ? 'may have mixed case, but should otherwise match: ' : '') + errs.join(','))];
}

/** The checks names get both in spec.names and in status.acceptedNames. */
export function validateNames(names: unknown, path: string): FieldError[] {
  if (!isObject(names)) return [];
  const errs: FieldError[] = [
    ...dns1035(child(path, 'plural'), names['plural']),
    ...dns1035(child(path, 'singular'), names['singular']),
    ...dns1035(child(path, 'kind'), names['kind'], true),
    ...dns1035(child(path, 'listKind'), names['listKind'], true),
  ];
  strings(names['shortNames']).forEach((s, i) => errs.push(...dns1035(index(child(path, 'shortNames'), i), s)));
  if (typeof names['kind'] === 'string' && names['kind'] !== '' && names['kind'] === names['listKind']) {
    errs.push(invalid(child(path, 'listKind'), names['listKind'], 'kind and listKind may not be the same'));
  }
  strings(names['categories']).forEach((c, i) => errs.push(...dns1035(index(child(path, 'categories'), i), c)));
  return errs;
}

function validateSpecNames(names: unknown, path: string): FieldError[] {
  if (!isObject(names)) return [required(path)];
  const errs: FieldError[] = [];
  for (const k of ['plural', 'singular', 'kind', 'listKind']) {
    if (typeof names[k] !== 'string' || names[k] === '') errs.push(required(child(path, k)));
  }
  return [...errs, ...validateNames(names, path)];
}

function isProtectedGroup(group: string): boolean {
  return group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');
}

function validateGroup(spec: JsonObject, meta: KubeObject['metadata']): FieldError[] {
  const group = spec['group'];
  if (typeof group !== 'string' || group === '') return [required('spec.group')];
  const errs = isDNS1123Subdomain(group);
  if (errs.length > 0) return [invalid('spec.group', group, errs.join(','))];
  if (group.split('.').length < 2) return [invalid('spec.group', group, 'should be a domain with at least one dot')];
  if (isProtectedGroup(group) && (meta.annotations?.[APPROVAL_ANNOTATION] ?? '') === '') {
    return [
      required(
        `metadata.annotations[${APPROVAL_ANNOTATION}]`,
        `protected groups must have approval annotation "${APPROVAL_ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111`,
      ),
    ];
  }
  return [];
}

/** Every default in the schema must be valid for its own schema and contain no pruned field. */
function validateDefaults(node: unknown, path: string): FieldError[] {
  if (!isObject(node)) return [];
  const errs: FieldError[] = [];
  if (node['default'] !== undefined) {
    const value = node['default'];
    const wrapped = compileSchemaValidator({ type: 'object', properties: { default: node } });
    for (const e of wrapped({ default: structuredClone(value) })) errs.push({ ...e, field: `${path}.${e.field}` });
    const unknown = hasUnknownFields(value, node, node['x-kubernetes-embedded-resource'] === true);
    if (unknown.length > 0) errs.push(invalid(child(path, 'default'), value, `must not have unknown fields: ${unknown.join(', ')}`));
  }
  if (isObject(node['properties'])) {
    for (const [name, prop] of Object.entries(node['properties'])) errs.push(...validateDefaults(prop, key(child(path, 'properties'), name)));
  }
  if (isObject(node['items'])) errs.push(...validateDefaults(node['items'], child(path, 'items')));
  if (isObject(node['additionalProperties'])) errs.push(...validateDefaults(node['additionalProperties'], child(path, 'additionalProperties')));
  return errs;
}

function validateSchema(version: JsonObject, path: string): FieldError[] {
  const schemaHolder = version['schema'];
  const schema = isObject(schemaHolder) ? schemaHolder['openAPIV3Schema'] : undefined;
  const schemaPath = child(path, 'schema', 'openAPIV3Schema');
  if (schema === undefined || schema === null) return [required(schemaPath, 'schemas are required')];
  const errs = validateStructuralSchema(schema, schemaPath);
  if (isObject(schema) && schema['nullable'] === true) errs.push(forbidden(child(schemaPath, 'nullable'), 'nullable cannot be true at the root'));
  if (errs.length > 0) return errs;
  try {
    compileSchemaValidator(schema);
  } catch (err) {
    if (err instanceof SchemaCompileError) return [invalid(child(path, 'schema'), '', `error building validator: ${err.message}`)];
    throw err;
  }
  return validateDefaults(schema, schemaPath);
}

function validateSimplePath(value: unknown, path: string, under: readonly string[]): FieldError[] {
  if (typeof value !== 'string' || value === '') return [required(path)];
  if (!value.startsWith('.')) return [invalid(path, value, 'must be a simple json path starting with .')];
  if (simplePathFields(value) === undefined) return [invalid(path, value, 'must be a json path in the dot notation')];
  if (!under.some((prefix) => value.startsWith(`.${prefix}.`))) {
    return [invalid(path, value, `should be a json path under ${under.map((u) => `.${u}`).join(' or ')}`)];
  }
  return [];
}

function validateSubresources(sub: unknown, path: string): FieldError[] {
  if (sub === undefined || sub === null) return [];
  if (!isObject(sub)) return [invalid(path, sub, 'must be an object')];
  const errs: FieldError[] = [];
  for (const k of Object.keys(sub)) {
    if (k !== 'status' && k !== 'scale') errs.push(notSupported(child(path, k), k, ['scale', 'status']));
  }
  const scale = sub['scale'];
  if (scale !== undefined && scale !== null) {
    if (!isObject(scale)) return [...errs, invalid(child(path, 'scale'), scale, 'must be an object')];
    errs.push(...validateSimplePath(scale['specReplicasPath'], child(path, 'scale.specReplicasPath'), ['spec']));
    errs.push(...validateSimplePath(scale['statusReplicasPath'], child(path, 'scale.statusReplicasPath'), ['status']));
    const selector = scale['labelSelectorPath'];
    if (selector !== undefined && selector !== null && selector !== '') {
      errs.push(...validateSimplePath(selector, child(path, 'scale.labelSelectorPath'), ['spec', 'status']));
    }
  }
  return errs;
}

function validateColumn(col: unknown, path: string): FieldError[] {
  if (!isObject(col)) return [invalid(path, col, 'must be an object')];
  const errs: FieldError[] = [];
  if (typeof col['name'] !== 'string' || col['name'] === '') errs.push(required(child(path, 'name')));
  const type = col['type'];
  if (type === undefined || type === '') errs.push(required(child(path, 'type'), `must be one of ${COLUMN_TYPES.join(',')}`));
  else if (typeof type !== 'string' || !COLUMN_TYPES.includes(type)) errs.push(invalid(child(path, 'type'), type, `must be one of ${COLUMN_TYPES.join(',')}`));
  const format = col['format'];
  if (format !== undefined && format !== '' && (typeof format !== 'string' || !COLUMN_FORMATS.includes(format))) {
    errs.push(invalid(child(path, 'format'), format, `must be one of ${COLUMN_FORMATS.join(',')}`));
  }
  const jsonPath = col['jsonPath'];
  if (typeof jsonPath !== 'string' || jsonPath === '') {
    errs.push(required(child(path, 'jsonPath')));
  } else if (!jsonPath.startsWith('.')) {
    errs.push(invalid(child(path, 'jsonPath'), jsonPath, 'must be a simple json path starting with .'));
  } else {
    try {
      parseJsonPath(jsonPath);
    } catch (err) {
      if (!(err instanceof JsonPathError)) throw err;
      errs.push(invalid(child(path, 'jsonPath'), jsonPath, `must be a JSONPath k8ts can evaluate: ${err.message}`));
    }
  }
  if (col['priority'] !== undefined && (typeof col['priority'] !== 'number' || !Number.isInteger(col['priority']) || col['priority'] < 0)) {
    errs.push(invalid(child(path, 'priority'), col['priority'], 'must be a non-negative integer'));
  }
  return errs;
}

/** The schema node a simple dotted path leads to, if the schema specifies it. */
function schemaAt(schema: unknown, fields: readonly string[]): JsonObject | undefined {
  let node: unknown = schema;
  for (const f of fields) {
    if (!isObject(node) || !isObject(node['properties'])) return undefined;
    node = node['properties'][f];
  }
  return isObject(node) ? node : undefined;
}

function validateSelectableFields(version: JsonObject, path: string): FieldError[] {
  const list = version['selectableFields'];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return [invalid(path, list, 'must be a list')];
  const schemaHolder = version['schema'];
  const schema = isObject(schemaHolder) ? schemaHolder['openAPIV3Schema'] : undefined;
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((entry, i) => {
    const p = child(index(path, i), 'jsonPath');
    const jsonPath = isObject(entry) ? entry['jsonPath'] : undefined;
    if (typeof jsonPath !== 'string' || jsonPath === '') {
      errs.push(required(p));
      return;
    }
    const fields = simplePathFields(jsonPath);
    if (fields === undefined) {
      errs.push(invalid(p, jsonPath, 'is an invalid path: must be a simple path in the dot notation, such as .spec.color'));
      return;
    }
    if (fields[0] === 'metadata') errs.push(invalid(p, jsonPath, 'must not point to fields in metadata'));
    const node = schemaAt(schema, fields);
    if (node === undefined) {
      errs.push(invalid(p, jsonPath, 'is an invalid path: does not refer to a field of the schema'));
    } else if (!['string', 'boolean', 'integer'].includes(String(node['type']))) {
      errs.push(invalid(p, jsonPath, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    }
    if (seen.has(jsonPath)) errs.push({ type: 'FieldValueDuplicate', field: p, value: jsonPath });
    seen.add(jsonPath);
  });
  if (seen.size > MAX_SELECTABLE_FIELDS) errs.push(tooMany(path, seen.size, MAX_SELECTABLE_FIELDS));
  return errs;
}

function validateVersion(version: unknown, path: string): FieldError[] {
  if (!isObject(version)) return [invalid(path, version, 'must be an object')];
  const errs: FieldError[] = [];
  const name = version['name'];
  if (typeof name !== 'string' || name === '') errs.push(required(child(path, 'name')));
  else {
    const nameErrs = isDNS1035Label(name);
    if (nameErrs.length > 0) errs.push(invalid(child(path, 'name'), name, nameErrs.join(',')));
  }
  for (const flag of ['served', 'storage', 'deprecated']) {
    if (version[flag] !== undefined && typeof version[flag] !== 'boolean') errs.push(invalid(child(path, flag), version[flag], 'must be a boolean'));
  }
  const warning = version['deprecationWarning'];
  if (warning !== undefined && warning !== null) {
    const p = child(path, 'deprecationWarning');
    if (version['deprecated'] !== true) errs.push(invalid(p, warning, 'can only be set for deprecated versions'));
    else if (typeof warning !== 'string' || warning === '') errs.push(invalid(p, warning, 'must not be an empty string'));
    else if (warning.length > 256) errs.push(invalid(p, warning, 'must be <= 256 characters long'));
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(warning)) errs.push(invalid(p, warning, 'must only contain printable UTF-8 characters'));
  }
  errs.push(...validateSchema(version, path));
  errs.push(...validateSubresources(version['subresources'], child(path, 'subresources')));
  const columns = version['additionalPrinterColumns'];
  if (columns !== undefined && columns !== null) {
    if (!Array.isArray(columns)) errs.push(invalid(child(path, 'additionalPrinterColumns'), columns, 'must be a list'));
    else columns.forEach((c, i) => errs.push(...validateColumn(c, index(child(path, 'additionalPrinterColumns'), i))));
  }
  errs.push(...validateSelectableFields(version, child(path, 'selectableFields')));
  return errs;
}

/** A short form of the version list for messages about the list as a whole. */
function versionSummary(versions: unknown[]): unknown {
  return versions.map((v) => (isObject(v) ? { name: v['name'], served: v['served'], storage: v['storage'] } : v));
}

function validateVersions(spec: JsonObject): FieldError[] {
  const versions = spec['versions'];
  if (!Array.isArray(versions) || versions.length === 0) return [invalid('spec.versions', versions ?? null, 'must have exactly one version marked as storage version')];
  const errs: FieldError[] = [];
  versions.forEach((v, i) => errs.push(...validateVersion(v, index('spec.versions', i))));
  const names = versions.map((v) => (isObject(v) ? v['name'] : undefined));
  if (new Set(names).size !== names.length) errs.push(invalid('spec.versions', versionSummary(versions), 'must contain unique version names'));
  if (versions.filter((v) => isObject(v) && v['storage'] === true).length !== 1) {
    errs.push(invalid('spec.versions', versionSummary(versions), 'must have exactly one version marked as storage version'));
  }
  if (!versions.some((v) => isObject(v) && v['served'] === true)) {
    errs.push(invalid('spec.versions', versionSummary(versions), 'must have at least one served version'));
  }
  return errs;
}

function validateConversion(spec: JsonObject): FieldError[] {
  const conversion = spec['conversion'];
  if (conversion === undefined || conversion === null) return [];
  if (!isObject(conversion)) return [invalid('spec.conversion', conversion, 'must be an object')];
  const strategy = conversion['strategy'];
  if (strategy === undefined || strategy === '') return [required('spec.conversion.strategy')];
  if (strategy === 'Webhook') {
    return [
      invalid(
        'spec.conversion.strategy',
        strategy,
        'k8ts does not call conversion webhooks; use strategy None (every served version then reads the stored object with only its apiVersion changed)',
      ),
    ];
  }
  if (strategy !== 'None') return [notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook'])];
  if (conversion['webhook'] !== undefined && conversion['webhook'] !== null) {
    return [forbidden('spec.conversion.webhook', 'should not be set when strategy is not set to Webhook')];
  }
  return [];
}

function validateStoredVersions(crd: JsonObject): FieldError[] {
  const status = crd['status'];
  if (!isObject(status) || status['storedVersions'] === undefined) return [];
  const stored = status['storedVersions'];
  const path = 'status.storedVersions';
  const spec = isObject(crd['spec']) ? crd['spec'] : {};
  const versions = strings(spec['versions']).filter(isObject);
  // Without exactly one storage version the spec is already refused; say it once.
  if (versions.filter((v) => v['storage'] === true).length !== 1) return [];
  if (!Array.isArray(stored) || stored.length === 0) return [invalid(path, stored ?? null, 'must have at least one stored version')];
  const errs: FieldError[] = [];
  for (const v of versions) {
    if (v['storage'] === true && !stored.includes(v['name'])) errs.push(invalid(path, stored, `must have the storage version ${String(v['name'])}`));
  }
  stored.forEach((name, i) => {
    if (!versions.some((v) => v['name'] === name)) errs.push(invalid(index(path, i), name, 'must appear in spec.versions'));
  });
  return errs;
}

function validateStatus(crd: JsonObject): FieldError[] {
  const status = crd['status'];
  if (status === undefined || status === null) return [];
  if (!isObject(status)) return [invalid('status', status, 'must be an object')];
  return [...validateNames(status['acceptedNames'], 'status.acceptedNames'), ...validateStoredVersions(crd)];
}

/** Validates a new CRD (its metadata's generic rules are checked by the apiserver). */
export function validateCrd(obj: KubeObject): FieldError[] {
  const spec = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs: FieldError[] = [];
  const names = spec['names'];
  const plural = isObject(names) ? names['plural'] : undefined;
  const name = obj.metadata.name ?? '';
  if (name !== '' && name !== `${String(plural)}.${String(spec['group'])}`) {
    errs.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
  errs.push(...validateGroup(spec, obj.metadata));
  const scope = spec['scope'];
  if (scope === undefined || scope === '') errs.push(required('spec.scope'));
  else if (typeof scope !== 'string' || !SCOPES.includes(scope)) errs.push(notSupported('spec.scope', scope, SCOPES));
  errs.push(...validateSpecNames(names, 'spec.names'));
  errs.push(...validateVersions(spec));
  if (spec['preserveUnknownFields'] === true) errs.push(invalid('spec.preserveUnknownFields', true, 'must be false'));
  errs.push(...validateConversion(spec));
  errs.push(...validateStatus(obj));
  return errs;
}

function immutable(field: string, next: unknown, old: unknown): FieldError[] {
  return next === old ? [] : [invalid(field, next ?? null, FIELD_IMMUTABLE)];
}

/**
 * Validates an update: everything a new CRD must satisfy, plus group and plural (they name the
 * storage) never change, and scope and kind stay once the CRD is established.
 */
export function validateCrdUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateCrd(obj);
  if (!isObject(obj.spec) || !isObject(old.spec)) return errs;
  const spec = obj.spec;
  const oldSpec = old.spec;
  const names = isObject(spec['names']) ? spec['names'] : {};
  const oldNames = isObject(oldSpec['names']) ? oldSpec['names'] : {};
  errs.push(...immutable('spec.group', spec['group'], oldSpec['group']));
  errs.push(...immutable('spec.names.plural', names['plural'], oldNames['plural']));
  if (crdConditionTrue(old as CustomResourceDefinition, ESTABLISHED)) {
    errs.push(...immutable('spec.scope', spec['scope'], oldSpec['scope']));
    errs.push(...immutable('spec.names.kind', names['kind'], oldNames['kind']));
  }
  return errs;
}

/** Paths of the schema nodes (under `path`) that carry CEL rules. */
function celRulePaths(node: unknown, path: string): string[] {
  if (!isObject(node)) return [];
  const found = Array.isArray(node['x-kubernetes-validations']) && node['x-kubernetes-validations'].length > 0 ? [path] : [];
  if (isObject(node['properties'])) {
    for (const [name, prop] of Object.entries(node['properties'])) found.push(...celRulePaths(prop, key(child(path, 'properties'), name)));
  }
  for (const k of ['items', 'additionalProperties', 'not']) found.push(...celRulePaths(node[k], child(path, k)));
  for (const junctor of ['allOf', 'anyOf', 'oneOf']) strings(node[junctor]).forEach((s, i) => found.push(...celRulePaths(s, index(child(path, junctor), i))));
  return found;
}

/**
 * What a client should know about a CRD it wrote: k8ts accepts `x-kubernetes-validations`
 * (CEL rules) but does not evaluate them.
 */
export function crdWarnings(obj: KubeObject): string[] {
  if (!isObject(obj.spec)) return [];
  const paths = strings(obj.spec['versions']).flatMap((v, i) => {
    const schema = isObject(v) && isObject(v['schema']) ? v['schema']['openAPIV3Schema'] : undefined;
    return celRulePaths(schema, `spec.versions[${i}].schema.openAPIV3Schema`);
  });
  if (paths.length === 0) return [];
  return [`x-kubernetes-validations rules are not evaluated by k8ts, objects are not checked against them: ${paths.join(', ')}`];
}
