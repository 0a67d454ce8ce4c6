/**
 * Guards for reading client-supplied JSON whose shape is not yet known to be right: defaulting
 * and validation run on whatever a client sent and must never throw on a wrong type.
 */

export type JsonObject = Record<string, any>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value if it is an array, else []. */
export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The objects among the array's elements (others are skipped). */
export function objects(v: unknown): JsonObject[] {
  return asArray(v).filter(isObject);
}

/** The value if it is a string, else ''. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The value if it is a finite number, else undefined. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Sets obj[key] = value when the field is absent, null or ''. */
export function setDefault(obj: JsonObject, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null || obj[key] === '') obj[key] = value;
}

/** A count field: the number when it is one, else 0. */
export function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
