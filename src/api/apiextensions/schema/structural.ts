/**
 * Checks that a CRD's openAPIV3Schema is one k8ts (like Kubernetes) can prune, default and
 * validate with: a *structural* schema. Every field names its type (or is int-or-string or
 * preserves unknown fields), arrays name their items, the logical junctors (allOf, anyOf, oneOf,
 * not) only add value checks to what the outer schema already specifies, metadata may only
 * restrict name and generateName, and the OpenAPI features Kubernetes refuses ($ref,
 * definitions, patternProperties, uniqueItems, ...) are absent. Errors carry the paths and
 * wording upstream uses, e.g.
 * `spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields`.
 *
 * The schema arrives from a client, so nothing here assumes its shape.
 */
import { isObject, type JsonObject } from '../../meta/shape.ts';
import type { FieldError } from '../../meta/types.ts';
import { child, forbidden, index, invalid, key, notSupported, required } from '../../validation/field-errors.ts';

type Level = 'root' | 'item' | 'field';

const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const LIST_TYPES = ['atomic', 'set', 'map'];
const MAP_TYPES = ['atomic', 'granular'];

/** Keywords that may not appear inside allOf/anyOf/oneOf/not, with the detail of the error. */
const FORBIDDEN_IN_JUNCTORS: ReadonlyArray<readonly [string, string]> = [
  ['type', 'must be empty to be structural'],
  ['additionalProperties', 'must be undefined to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
];
const FLAGS_FORBIDDEN_IN_JUNCTORS = ['nullable', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string'];

/** OpenAPI features a CRD schema may not use at all. */
const UNSUPPORTED: ReadonlyArray<readonly [string, string]> = [
  ['$ref', '$ref is not supported'],
  ['id', 'id is not supported'],
  ['definitions', 'definitions is not supported'],
  ['dependencies', 'dependencies is not supported'],
  ['patternProperties', 'patternProperties is not supported'],
  ['additionalItems', 'additionalItems is not supported'],
];

function properties(s: JsonObject): [string, unknown][] {
  return isObject(s['properties']) ? Object.entries(s['properties']) : [];
}

function isIntOrStringAnyOf(v: unknown): boolean {
  if (!Array.isArray(v) || v.length !== 2) return false;
  const [a, b] = v as unknown[];
  const only = (x: unknown, type: string): boolean => isObject(x) && Object.keys(x).length === 1 && x['type'] === type;
  return only(a, 'integer') && only(b, 'string');
}

/** The checks every node of the schema gets, wherever it is. */
function checkKeywords(s: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, detail] of UNSUPPORTED) if (s[k] !== undefined) errs.push(forbidden(child(path, k), detail));
  if (s['uniqueItems'] === true) errs.push(forbidden(child(path, 'uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s['type'] === 'null') errs.push(forbidden(child(path, 'type'), 'type cannot be set to null, use nullable as an alternative'));
  else if (s['type'] !== undefined && (typeof s['type'] !== 'string' || !TYPES.includes(s['type']))) {
    errs.push(notSupported(child(path, 'type'), s['type'], TYPES));
  }
  if (Array.isArray(s['items'])) errs.push(forbidden(child(path, 'items'), 'items must be a schema object and not an array'));
  if (s['additionalProperties'] !== undefined && properties(s).length > 0 && s['additionalProperties'] !== true) {
    errs.push(forbidden(child(path, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
  }
  if (typeof s['pattern'] === 'string') {
    try {
      new RegExp(s['pattern'], 'u');
    } catch (err) {
      errs.push(invalid(child(path, 'pattern'), s['pattern'], `must be a valid regular expression, but isn't: ${(err as Error).message}`));
    }
  }
  const listType = s['x-kubernetes-list-type'];
  if (listType !== undefined) {
    if (typeof listType !== 'string' || !LIST_TYPES.includes(listType)) {
      errs.push(notSupported(child(path, 'x-kubernetes-list-type'), listType, LIST_TYPES));
    } else if (s['type'] !== 'array') {
      errs.push(invalid(child(path, 'type'), s['type'] ?? '', 'must be array if x-kubernetes-list-type is specified'));
    } else if (listType === 'map') {
      const keys = s['x-kubernetes-list-map-keys'];
      if (!Array.isArray(keys) || keys.length === 0) {
        errs.push(required(child(path, 'x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
      }
      const items = s['items'];
      if (isObject(items) && items['type'] !== 'object') {
        errs.push(invalid(child(path, 'items', 'type'), items['type'] ?? '', 'must be object if parent array\'s x-kubernetes-list-type is map'));
      }
    }
  }
  if (s['x-kubernetes-list-map-keys'] !== undefined && listType !== 'map') {
    errs.push(forbidden(child(path, 'x-kubernetes-list-map-keys'), 'must not be specified if x-kubernetes-list-type is not map'));
  }
  const mapType = s['x-kubernetes-map-type'];
  if (mapType !== undefined && (typeof mapType !== 'string' || !MAP_TYPES.includes(mapType))) {
    errs.push(notSupported(child(path, 'x-kubernetes-map-type'), mapType, MAP_TYPES));
  }
  if (s['x-kubernetes-int-or-string'] === true && s['x-kubernetes-preserve-unknown-fields'] === true) {
    errs.push(invalid(child(path, 'x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  if (s['x-kubernetes-int-or-string'] === true && s['x-kubernetes-embedded-resource'] === true) {
    errs.push(invalid(child(path, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  return errs;
}

/** A schema under allOf/anyOf/oneOf/not: value checks only, no structure of its own. */
function checkJunctorBranch(s: unknown, path: string, level: Level, skipIntOrStringAnyOf: boolean): FieldError[] {
  if (!isObject(s)) return [];
  const errs = checkKeywords(s, path);
  for (const [k, detail] of FORBIDDEN_IN_JUNCTORS) {
    if (s[k] !== undefined && s[k] !== '') errs.push(forbidden(child(path, k), detail));
  }
  for (const flag of FLAGS_FORBIDDEN_IN_JUNCTORS) {
    if (s[flag] === true) errs.push(forbidden(child(path, flag), 'must be false to be structural'));
  }
  if (level !== 'root' && properties(s).some(([k]) => k === 'metadata')) {
    errs.push(forbidden(key(child(path, 'properties'), 'metadata'), 'must not be specified in a nested context'));
  }
  errs.push(...checkJunctors(s, path, level, skipIntOrStringAnyOf));
  if (isObject(s['items'])) errs.push(...checkJunctorBranch(s['items'], child(path, 'items'), 'item', false));
  for (const [name, prop] of properties(s)) errs.push(...checkJunctorBranch(prop, key(child(path, 'properties'), name), 'field', false));
  return errs;
}

function checkJunctors(s: JsonObject, path: string, level: Level, skipIntOrStringAnyOf: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[junctor];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      errs.push(invalid(child(path, junctor), list, 'must be a list of schemas'));
      continue;
    }
    if (junctor === 'anyOf' && (skipIntOrStringAnyOf || (s['x-kubernetes-int-or-string'] === true && isIntOrStringAnyOf(list)))) continue;
    list.forEach((branch, i) => {
      const skipNested = junctor === 'allOf' && i === 0 && s['x-kubernetes-int-or-string'] === true && isObject(branch) && isIntOrStringAnyOf(branch['anyOf']);
      errs.push(...checkJunctorBranch(branch, index(child(path, junctor), i), level, skipNested));
    });
  }
  if (s['not'] !== undefined) errs.push(...checkJunctorBranch(s['not'], child(path, 'not'), level, false));
  return errs;
}

/** The rule for the root `metadata` property: only name and generateName may be restricted. */
function checkRootMetadata(meta: unknown, path: string): FieldError[] {
  if (!isObject(meta)) return [];
  const errs: FieldError[] = [];
  if (meta['type'] !== undefined && meta['type'] !== 'object') errs.push(invalid(child(path, 'type'), meta['type'], 'must be object'));
  const allowed = new Set(['type', 'properties', 'description']);
  const extraKeywords = Object.keys(meta).filter((k) => !allowed.has(k));
  const extraProperties = properties(meta).filter(([k]) => k !== 'name' && k !== 'generateName');
  if (extraKeywords.length > 0 || extraProperties.length > 0) {
    errs.push(forbidden(path, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
  return errs;
}

function checkNode(s: unknown, path: string, level: Level): FieldError[] {
  if (!isObject(s)) {
    return [invalid(path, s, 'must be a schema object')];
  }
  const errs = checkKeywords(s, path);
  const type = s['type'];
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;

  if (type === 'array' && s['items'] === undefined) errs.push(required(child(path, 'items'), 'must be specified'));
  if (isObject(s['items'])) errs.push(...checkNode(s['items'], child(path, 'items'), 'item'));
  for (const [name, prop] of properties(s)) errs.push(...checkNode(prop, key(child(path, 'properties'), name), 'field'));
  const additional = s['additionalProperties'];
  if (additional !== undefined) {
    if (level === 'root') errs.push(forbidden(child(path, 'additionalProperties'), 'must not be used at the root'));
    if (isObject(additional)) errs.push(...checkNode(additional, child(path, 'additionalProperties'), 'field'));
    if (embedded) errs.push(forbidden(child(path, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  errs.push(...checkJunctors(s, path, level, false));

  if (embedded && type !== 'object') {
    errs.push(
      type === undefined
        ? required(child(path, 'type'), 'must be object if x-kubernetes-embedded-resource is true')
        : invalid(child(path, 'type'), type, 'must be object if x-kubernetes-embedded-resource is true'),
    );
  } else if ((type === undefined || type === '') && !intOrString && !preserve) {
    const detail = level === 'root' ? 'must not be empty at the root' : level === 'item' ? 'must not be empty for specified array items' : 'must not be empty for specified object fields';
    errs.push(required(child(path, 'type'), detail));
  }
  if (level === 'root' && type !== undefined && type !== 'object') errs.push(invalid(child(path, 'type'), type, 'must be object at the root'));
  if (embedded && !preserve && properties(s).length === 0) {
    errs.push(required(child(path, 'properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  if (level === 'root' || embedded) {
    const props = isObject(s['properties']) ? s['properties'] : {};
    for (const name of ['kind', 'apiVersion']) {
      const p = props[name];
      if (isObject(p) && p['type'] !== 'string') errs.push(invalid(child(key(child(path, 'properties'), name), 'type'), p['type'] ?? '', 'must be string'));
    }
    if (level === 'root') errs.push(...checkRootMetadata(props['metadata'], key(child(path, 'properties'), 'metadata')));
    else if (isObject(props['metadata']) && props['metadata']['type'] !== 'object') {
      errs.push(invalid(child(key(child(path, 'properties'), 'metadata'), 'type'), props['metadata']['type'] ?? '', 'must be object'));
    }
  }
  return errs;
}

/**
 * The structural-schema violations of `schema` (a CRD version's openAPIV3Schema) at `path`,
 * sorted by message as upstream sorts them; empty when the schema is structural.
 */
export function validateStructuralSchema(schema: unknown, path: string): FieldError[] {
  const errs = checkNode(schema, path, 'root');
  return errs.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}
