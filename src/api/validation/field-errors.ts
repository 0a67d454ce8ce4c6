/**
 * Field errors: constructors for each kind of validation failure, and their rendering in the
 * exact text Kubernetes uses (`spec.replicas: Invalid value: -1: must be greater than or equal
 * to 0`), aggregated into the `Kind "name" is invalid: [...]` message of a 422 and into
 * metav1 StatusCauses.
 */
import type { FieldError, StatusCause } from '../meta/types.ts';

/** `path[index]`, as upstream prints list elements. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** `path[key]`, as upstream prints map entries (the key is not quoted). */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

/** `path.child`, or `child` at the root. */
export function child(path: string, ...names: string[]): string {
  return [path, ...names].filter((p) => p !== '').join('.');
}

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, detail };
}

export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, value, detail };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const detail = supported.length > 0 ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field, value, detail };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, value };
}

export function notFound(field: string, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', field, value };
}

/** Too long, measured in bytes (`must have at most N bytes`). */
export function tooLong(field: string, maxBytes: number): FieldError {
  return { type: 'FieldValueTooLong', field, detail: `must have at most ${maxBytes} bytes` };
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field, value: actual, detail: `must have at most ${max} items` };
}

/** `must be greater than or equal to 0` for a negative number; nothing otherwise. */
export function nonNegative(field: string, value: unknown): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}

/** The message for a field that may not change. */
export const FIELD_IMMUTABLE = 'field is immutable';

const TYPE_TEXT: Record<FieldError['type'], string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotFound: 'Not found',
  InternalError: 'Internal error',
};

/** A non-empty map of strings (an empty object is shown as `{}`, whatever it stands for). */
function isStringRecord(v: object): v is Record<string, string> {
  const values = Object.values(v);
  return values.length > 0 && values.every((x) => typeof x === 'string');
}

/**
 * Renders a bad value the way upstream's Go formatting shows it: strings quoted, numbers and
 * booleans bare, string lists and string maps in Go syntax, anything else as JSON.
 */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return `[]string{${value.map((v) => JSON.stringify(v)).join(', ')}}`;
  }
  if (typeof value === 'object' && !Array.isArray(value) && isStringRecord(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${JSON.stringify(value[k])}`);
    return `map[string]string{${entries.join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** The error without its field: `Invalid value: "x": detail` (a StatusCause's message). */
export function fieldErrorBody(e: FieldError): string {
  const text = TYPE_TEXT[e.type];
  const omitsValue =
    e.type === 'FieldValueRequired' || e.type === 'FieldValueForbidden' || e.type === 'FieldValueTooLong' || e.type === 'InternalError';
  let s = omitsValue ? text : `${text}: ${formatValue(e.value)}`;
  if (e.detail !== undefined && e.detail !== '') s += `: ${e.detail}`;
  return s;
}

/** `field: body`, e.g. `metadata.name: Required value: name or generateName is required`. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/**
 * The message of a 422 Invalid: `ConfigMap "x" is invalid: <err>`, or `[<err1>, <err2>]` for
 * several (identical messages appear once). `kind` is the qualified kind (`Deployment.apps`).
 */
export function formatFieldErrors(kind: string, name: string, errs: readonly FieldError[]): string {
  const texts = [...new Set(errs.map(formatFieldError))];
  if (texts.length === 0) return `${kind} "${name}" is invalid`;
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return `${kind} "${name}" is invalid: ${joined}`;
}

/** The details.causes of a 422 Invalid. */
export function toStatusCauses(errs: readonly FieldError[]): StatusCause[] {
  return errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
}
