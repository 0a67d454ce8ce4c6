/**
 * Key order and prefix ranges. Every backend orders keys by their UTF-8 bytes (etcd and SQLite
 * compare bytes), which is the order of Unicode code points. JavaScript's `<` compares UTF-16
 * code units instead, which disagrees for characters above U+FFFF against U+E000–U+FFFF, so the
 * in-memory backend sorts with `compareKeys`.
 */

/**
 * The rank of a UTF-16 code unit in code-point order: surrogates (U+D800–U+DFFF, which encode
 * code points above U+FFFF) move above U+E000–U+FFFF, which move down to make room.
 */
function unitRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/** Compares two keys in UTF-8 byte order: negative, zero or positive, like a sort comparator. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return unitRank(x) - unitRank(y);
  }
  return a.length - b.length;
}

/** The greater of two keys in key order. */
export function maxKey(a: string, b: string): string {
  return compareKeys(a, b) >= 0 ? a : b;
}

/**
 * The smallest string greater (in key order) than every key that starts with `prefix`, or
 * undefined when there is none (an empty prefix, or one made only of U+10FFFF). So a key starts
 * with `prefix` exactly when `prefix <= key < prefixEnd(prefix)`, which turns a prefix into an
 * index range.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Skip the surrogate block: those are not code points a well-formed key can hold.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}
