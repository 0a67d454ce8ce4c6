/**
 * Short, stable hashes of pod templates, for `pod-template-hash` labels, ReplicaSet names and
 * ControllerRevision names: FNV-1a (32 bit) over the template's canonical JSON (keys sorted)
 * and the collision count, written in an alphabet without vowels (no accidental words) and
 * without look-alike characters, as upstream does.
 */

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The hash of `template` (any JSON value), varied by `collisionCount` when that is set. */
export function templateHash(template: unknown, collisionCount?: number): string {
  let n = fnv1a32(canonicalJson(template) + (collisionCount !== undefined && collisionCount > 0 ? `#${collisionCount}` : ''));
  let out = '';
  do {
    out = ALPHABET[n % ALPHABET.length] + out;
    n = Math.floor(n / ALPHABET.length);
  } while (n > 0);
  return out;
}
