/**
 * Validation of custom resources by their CRD's openAPIV3Schema, with ajv. The OpenAPI schema is
 * first translated into the JSON Schema ajv runs (int-or-string becomes `type: [integer,
 * string]`, the boolean `exclusiveMinimum` of OpenAPI 3.0 becomes the numeric one, unknown
 * formats and the documentation and `x-kubernetes-*` keywords are dropped), then ajv's errors
 * are turned into field errors with Kubernetes paths and upstream's wording:
 *
 *   spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"
 *   spec.cronSpec: Required value
 *   spec.mode: Unsupported value: "x": supported values: "a", "b"
 *
 * Objects are expected to be pruned and defaulted already (pruning.ts, defaulting.ts), as the
 * apiserver does before validating. `x-kubernetes-validations` (CEL rules) are not evaluated.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isObject, type JsonObject } from '../../meta/shape.ts';
import type { FieldError } from '../../meta/types.ts';
import { child, invalid, notSupported, required, tooMany } from '../../validation/field-errors.ts';
import { NUMBER_FORMATS, STRING_FORMATS } from './formats.ts';

/** Checks one object against a compiled schema; returns its field errors (empty when valid). */
export type SchemaValidator = (value: unknown) => FieldError[];

/** Thrown by compileSchemaValidator when ajv cannot build a validator from the schema. */
export class SchemaCompileError extends Error {
  override name = 'SchemaCompileError';
}

/** Keywords copied as they are into the ajv schema. */
const VALUE_KEYWORDS = [
  'enum', 'pattern', 'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems',
  'minProperties', 'maxProperties', 'required',
] as const;

/** The ajv (JSON Schema draft-07) form of an OpenAPI v3 schema from a CRD. */
export function toAjvSchema(s: unknown): JsonObject {
  if (!isObject(s)) return {};
  const out: JsonObject = {};
  if (s['x-kubernetes-int-or-string'] === true) out['type'] = ['integer', 'string'];
  else if (typeof s['type'] === 'string' && s['type'] !== '') out['type'] = s['type'];
  if (s['nullable'] === true && out['type'] !== undefined) out['nullable'] = true;
  for (const k of VALUE_KEYWORDS) if (s[k] !== undefined) out[k] = s[k];
  if (typeof s['format'] === 'string' && (STRING_FORMATS[s['format']] !== undefined || NUMBER_FORMATS.includes(s['format']))) {
    out['format'] = s['format'];
  }
  if (typeof s['minimum'] === 'number') out[s['exclusiveMinimum'] === true ? 'exclusiveMinimum' : 'minimum'] = s['minimum'];
  if (typeof s['maximum'] === 'number') out[s['exclusiveMaximum'] === true ? 'exclusiveMaximum' : 'maximum'] = s['maximum'];
  if (isObject(s['properties'])) {
    out['properties'] = Object.fromEntries(Object.entries(s['properties']).map(([k, v]) => [k, toAjvSchema(v)]));
  }
  if (isObject(s['items'])) out['items'] = toAjvSchema(s['items']);
  if (isObject(s['additionalProperties'])) out['additionalProperties'] = toAjvSchema(s['additionalProperties']);
  else if (typeof s['additionalProperties'] === 'boolean') out['additionalProperties'] = s['additionalProperties'];
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[junctor];
    if (!Array.isArray(list)) continue;
    // int-or-string's own anyOf [integer, string] is what `type` already says.
    if (junctor === 'anyOf' && s['x-kubernetes-int-or-string'] === true) continue;
    out[junctor] = list.map(toAjvSchema);
  }
  if (isObject(s['not'])) out['not'] = toAjvSchema(s['not']);
  return out;
}

function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, unicodeRegExp: true, validateSchema: false });
  for (const [name, check] of Object.entries(STRING_FORMATS)) ajv.addFormat(name, { type: 'string', validate: check });
  for (const name of NUMBER_FORMATS) ajv.addFormat(name, { type: 'number', validate: () => true });
  return ajv;
}

/** The JSON type name upstream reports for a value of the wrong type. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** A JSON pointer into `root` as a Kubernetes field path: `/spec/ports/0/name` → `spec.ports[0].name`. */
function fieldPath(root: unknown, pointer: string): string {
  if (pointer === '') return '';
  let path = '';
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      path += `[${segment}]`;
      current = current[Number(segment)];
    } else {
      path = path === '' ? segment : `${path}.${segment}`;
      current = isObject(current) ? current[segment] : undefined;
    }
  }
  return path;
}

function enumValues(values: unknown): string[] {
  return (Array.isArray(values) ? values : []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

/** One ajv error as the field error upstream reports for the same failure. */
function toFieldError(e: ErrorObject, root: unknown): FieldError[] {
  const p = fieldPath(root, e.instancePath);
  const data: unknown = e.data;
  const params = e.params;
  const inBody = `${p} in body`;
  switch (e.keyword) {
    case 'type': {
      const expected = Array.isArray(params['type']) ? params['type'].join(',') : String(params['type']);
      const actual = typeName(data);
      return [{ type: 'FieldValueTypeInvalid', field: p, value: actual, detail: `${inBody} must be of type ${expected}: ${JSON.stringify(actual)}` }];
    }
    case 'required':
      return [required(child(p, String(params['missingProperty'])))];
    case 'enum':
      return [notSupported(p, data, enumValues(params['allowedValues']))];
    case 'pattern':
      return [invalid(p, data, `${inBody} should match '${String(params['pattern'])}'`)];
    case 'format':
      return [{ type: 'FieldValueTypeInvalid', field: p, value: data, detail: `${inBody} must be of type ${String(params['format'])}: ${JSON.stringify(data)}` }];
    case 'minimum':
    case 'exclusiveMinimum':
      return [invalid(p, data, `${inBody} should be greater than ${params['comparison'] === '>=' ? 'or equal to ' : ''}${params['limit']}`)];
    case 'maximum':
    case 'exclusiveMaximum':
      return [invalid(p, data, `${inBody} should be less than ${params['comparison'] === '<=' ? 'or equal to ' : ''}${params['limit']}`)];
    case 'multipleOf':
      return [invalid(p, data, `${inBody} should be a multiple of ${params['multipleOf']}`)];
    case 'minLength':
      return [invalid(p, data, `${inBody} should be at least ${params['limit']} chars long`)];
    case 'maxLength':
      return [{ type: 'FieldValueTooLong', field: p, value: data, detail: `may not be longer than ${params['limit']}` }];
    case 'minItems':
      return [invalid(p, Array.isArray(data) ? data.length : data, `${inBody} should have at least ${params['limit']} items`)];
    case 'maxItems':
      return [tooMany(p, Array.isArray(data) ? data.length : 0, Number(params['limit']))];
    case 'minProperties':
      return [invalid(p, isObject(data) ? Object.keys(data).length : data, `${inBody} should have at least ${params['limit']} properties`)];
    case 'maxProperties':
      return [tooMany(p, isObject(data) ? Object.keys(data).length : 0, Number(params['limit']))];
    case 'uniqueItems':
      return [invalid(p, data, `${inBody} shouldn't contain duplicates`)];
    case 'additionalProperties':
      return [invalid(child(p, String(params['additionalProperty'])), '', `${child(p, String(params['additionalProperty']))} in body is a forbidden property`)];
    case 'anyOf':
      return [invalid(p, '', `${JSON.stringify(p)} must validate at least one schema (anyOf)`)];
    case 'oneOf':
      return [invalid(p, '', `${JSON.stringify(p)} must validate one and only one schema (oneOf)`)];
    case 'not':
      return [invalid(p, '', `${JSON.stringify(p)} must not validate the schema (not)`)];
    default:
      return [invalid(p, data, `${inBody} ${e.message ?? 'is invalid'}`)];
  }
}

/**
 * Errors of the branches of a failed anyOf/oneOf/not explain why no branch matched; upstream
 * reports only the junctor, so they are dropped.
 */
function withoutBranchErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const junctors = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'not').map((e) => `${e.schemaPath}/`);
  return errors.filter((e) => !junctors.some((prefix) => e.schemaPath.startsWith(prefix)));
}

/** Upstream also requires an embedded object to name its apiVersion and kind. */
function embeddedResourceErrors(schema: unknown, value: unknown, path: string): FieldError[] {
  if (!isObject(schema)) return [];
  const errs: FieldError[] = [];
  if (schema['x-kubernetes-embedded-resource'] === true && isObject(value)) {
    for (const k of ['apiVersion', 'kind']) {
      if (typeof value[k] !== 'string' || value[k] === '') errs.push(required(child(path, k), 'must not be empty'));
    }
  }
  if (isObject(value) && isObject(schema['properties'])) {
    for (const [k, sub] of Object.entries(schema['properties'])) {
      if (value[k] !== undefined) errs.push(...embeddedResourceErrors(sub, value[k], child(path, k)));
    }
  }
  if (isObject(value) && isObject(schema['additionalProperties'])) {
    for (const [k, v] of Object.entries(value)) errs.push(...embeddedResourceErrors(schema['additionalProperties'], v, child(path, k)));
  }
  if (Array.isArray(value) && isObject(schema['items'])) {
    value.forEach((item, i) => errs.push(...embeddedResourceErrors(schema['items'], item, `${path}[${i}]`)));
  }
  return errs;
}

/** Compiles a validator for `schema`; throws SchemaCompileError when ajv refuses it. */
export function compileSchemaValidator(schema: unknown): SchemaValidator {
  const ajvSchema = toAjvSchema(schema);
  const ajv = newAjv();
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(ajvSchema);
  } catch (err) {
    throw new SchemaCompileError(err instanceof Error ? err.message : String(err));
  }
  // The compiled function keeps working; the instance's cache need not hold the schema.
  ajv.removeSchema(ajvSchema);
  return (value) => {
    const errs: FieldError[] = [];
    if (!validate(value)) {
      for (const e of withoutBranchErrors(validate.errors ?? [])) errs.push(...toFieldError(e, value));
    }
    errs.push(...embeddedResourceErrors(schema, value, ''));
    return errs;
  };
}
