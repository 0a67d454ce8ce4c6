/**
 * The JSON type a position of a built-in kind's schema takes, and whether a decoded value has
 * it: the check upstream's typed decoding makes, where a built-in object is read into Go
 * structs and a value of the wrong type fails the request (`json: cannot unmarshal string into
 * ... of type int32`).
 *
 * Rules, as Go's decoder applies them to the field types the schemas describe:
 * - `null` fits every position (an optional field that is null is unset; a null element or
 *   map value is left for the kind's validation, as upstream decodes it to a zero value).
 * - integers are whole numbers within their format's range (`int32`; `int64`, also for
 *   integers without a format). A JSON number is read as a double, so an int64 must lie
 *   strictly inside ±2^63: the double nearest 2^63 - 1 is 2^63, which would be written back as
 *   a number no int64 holds.
 * - numbers are finite: `1e400` parses as Infinity, which has no JSON form (it would be stored
 *   as null).
 * - int-or-string (`x-kubernetes-int-or-string`: ports, maxSurge) is a string or an int32;
 *   quantities (format `quantity`: `500m`, `2`) are strings or finite numbers.
 * - positions the schema leaves open (no type) take any JSON value, numbers again finite.
 */
import type { OpenApiSchema } from '../openapi/schema-types.ts';

/** What a schema position wants; undefined positions take any JSON value. */
export type JsonType = 'string' | 'boolean' | 'number' | 'int32' | 'int64' | 'object' | 'array' | 'int-or-string' | 'quantity';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_BOUND = 2 ** 63;

/** The JSON type of a resolved schema (one whose `$ref`/`allOf` has been followed). */
export function jsonTypeOf(s: OpenApiSchema): JsonType | undefined {
  if (s['x-kubernetes-int-or-string'] === true) return s.format === 'quantity' ? 'quantity' : 'int-or-string';
  switch (s.type) {
    case 'integer':
      return s.format === 'int32' ? 'int32' : 'int64';
    case undefined:
      return undefined;
    default:
      return s.type;
  }
}

function isInt32(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
}

/** Whether `value` (decoded JSON) fits a position of type `type`. */
export function fitsJsonType(value: unknown, type: JsonType): boolean {
  if (value === null) return true;
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'int32':
      return isInt32(value);
    case 'int64':
      return typeof value === 'number' && Number.isInteger(value) && value > -INT64_BOUND && value < INT64_BOUND;
    case 'object':
      return typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'int-or-string':
      return typeof value === 'string' || isInt32(value);
    case 'quantity':
      return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
  }
}

const EXPECTED_TEXT: Readonly<Record<JsonType, string>> = {
  string: 'string',
  boolean: 'boolean',
  number: 'number',
  int32: 'int32 (a whole number)',
  int64: 'int64 (a whole number)',
  object: 'object',
  array: 'array',
  'int-or-string': 'int32 or string',
  quantity: 'quantity (a string or a number)',
};

/** How an error message names what a position of type `type` wants: `int32 (a whole number)`. */
export function describeJsonType(type: JsonType): string {
  return EXPECTED_TEXT[type];
}

const SHOWN_STRING_LENGTH = 64;

/** How an error message shows a number JSON cannot hold (`1e400`, parsed as Infinity). */
export const OUT_OF_RANGE_NUMBER = 'a number out of range';

/** How an error message shows a wrong value: `string "abc"`, `number 1.5`, `array`. */
export function describeJsonValue(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > SHOWN_STRING_LENGTH ? `${value.slice(0, SHOWN_STRING_LENGTH)}...` : value)}`;
    case 'number':
      return Number.isFinite(value) ? `number ${value}` : OUT_OF_RANGE_NUMBER;
    case 'boolean':
      return `boolean ${value}`;
    case 'object':
      return value === null ? 'null' : 'object';
    default:
      return typeof value;
  }
}
