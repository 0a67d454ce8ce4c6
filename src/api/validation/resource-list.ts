/**
 * Resource lists (`{cpu: 500m, memory: 1Gi}`): every value must be a quantity, and, where the
 * caller asks, not negative. Shared by claims, volumes, quotas and limit ranges.
 */
import { isObject } from '../meta/shape.ts';
import { parseQuantity } from '../meta/quantity.ts';
import type { FieldError } from '../meta/types.ts';
import { invalid, key } from './field-errors.ts';

/** The quantity message upstream gives for a value that does not parse. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** The nano-unit value of each entry of a resource list that parses (others are skipped). */
export function resourceValues(list: unknown): Map<string, bigint> {
  const out = new Map<string, bigint>();
  if (!isObject(list)) return out;
  for (const [name, value] of Object.entries(list)) {
    const q = typeof value === 'string' || typeof value === 'number' ? parseQuantity(String(value)) : undefined;
    if (q !== undefined) out.set(name, q);
  }
  return out;
}

/** Validates every entry of the list at `path`: a quantity, non-negative. */
export function validateResourceList(list: unknown, path: string): FieldError[] {
  if (list === undefined || list === null) return [];
  if (!isObject(list)) return [invalid(path, list, 'must be a map of resource names to quantities')];
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(list)) {
    const q = typeof value === 'string' || typeof value === 'number' ? parseQuantity(String(value)) : undefined;
    if (q === undefined) errs.push(invalid(key(path, name), value, QUANTITY_FORMAT_ERROR));
    else if (q < 0n) errs.push(invalid(key(path, name), value, 'must be greater than or equal to 0'));
  }
  return errs;
}
