/**
 * Rules shared by ConfigMap and Secret payloads: key syntax, strict base64 for byte fields, and
 * the 1 MiB cap on the total size of the values.
 */
import type { FieldError } from '../meta/types.ts';
import { invalid, key } from './field-errors.ts';
import { isConfigMapKey } from './names.ts';

/** The most bytes a ConfigMap's or Secret's values may hold in total. */
export const MAX_CONFIG_DATA_SIZE = 1024 * 1024;

/** Decodes standard padded base64 (CR/LF ignored, as Go's decoder does); undefined when malformed. */
export function decodeBase64(s: string): Buffer | undefined {
  const clean = s.replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  return Buffer.from(clean, 'base64');
}

/** Key-syntax errors for every key of `data`, reported at `path[key]`. */
export function validateDataKeys(data: Readonly<Record<string, unknown>>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(key(path, k), k, msg));
  }
  return errs;
}

/**
 * Sizes the base64 values of a byte map (Secret.data, ConfigMap.binaryData); a value that is not
 * valid base64 is reported and counts its encoded length.
 */
export function base64MapSize(data: Readonly<Record<string, unknown>>, path: string, errs: FieldError[]): number {
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string') {
      errs.push(invalid(key(path, k), v, 'must be a base64-encoded string'));
      continue;
    }
    const bytes = decodeBase64(v);
    if (bytes === undefined) {
      errs.push(invalid(key(path, k), '<value omitted>', 'must be a base64-encoded string'));
      total += v.length;
    } else {
      total += bytes.length;
    }
  }
  return total;
}
