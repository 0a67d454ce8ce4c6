/**
 * One step of a field path, in the string form of managedFields' FieldsV1 format:
 *
 * - `f:<name>`: a field of an object (or a key of a map);
 * - `k:<json>`: the element of a keyed list whose key fields have these values, the JSON an
 *   object with the key fields sorted by name (`k:{"containerPort":80,"protocol":"TCP"}`);
 * - `v:<json>`: the element of a set-like list with this value (`v:"example.com/finalizer"`);
 * - `i:<n>`: an element of a list by position (only read, never produced here).
 *
 * The same strings key the nodes of a FieldSet. Upstream: sigs.k8s.io/structured-merge-diff
 * fieldpath/serialize-pe.go, fieldpath/element.go.
 */

export type PathElement = string;

/** A path from the object root. */
export type FieldPath = readonly PathElement[];

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** A JSON text with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The element of a keyed list item: its key fields and their values. */
export function keyElement(fields: ReadonlyMap<string, unknown>): PathElement {
  const sorted = [...fields.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `k:{${sorted.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function valueElement(value: unknown): PathElement {
  return `v:${canonicalJson(value)}`;
}

/** Whether `pe` names a field (rather than a list element). */
export function fieldNameOf(pe: PathElement): string | undefined {
  return pe.startsWith('f:') ? pe.slice(2) : undefined;
}

/** Whether a string is a path element of a known kind (FieldsV1 readers skip the others). */
export function isPathElement(text: string): boolean {
  return /^[fkvi]:/.test(text);
}

const KIND_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

function typeRank(value: unknown): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'string') return 3;
  return Array.isArray(value) ? 4 : 5;
}

function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const ja = canonicalJson(a);
  const jb = canonicalJson(b);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The order of path elements in serialized sets: fields (by name), then keys (field by field),
 * then values, then indexes, as upstream sorts them.
 */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a[0] === 'f' && b[0] === 'f') return a < b ? -1 : a > b ? 1 : 0;
  const ka = KIND_ORDER[a[0]!] ?? 4;
  const kb = KIND_ORDER[b[0]!] ?? 4;
  if (ka !== kb) return ka - kb;
  const ta = a.slice(2);
  const tb = b.slice(2);
  switch (a[0]) {
    case 'k': {
      const ea = Object.entries((parseJson(ta) ?? {}) as Record<string, unknown>);
      const eb = Object.entries((parseJson(tb) ?? {}) as Record<string, unknown>);
      for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
        const [na, va] = ea[i]!;
        const [nb, vb] = eb[i]!;
        if (na !== nb) return na < nb ? -1 : 1;
        const c = compareValues(va, vb);
        if (c !== 0) return c;
      }
      return ea.length - eb.length;
    }
    case 'v':
      return compareValues(parseJson(ta), parseJson(tb));
    case 'i':
      return Number(ta) - Number(tb);
    default:
      return ta < tb ? -1 : ta > tb ? 1 : 0;
  }
}

function display(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : canonicalJson(value);
}

/**
 * A path as upstream prints it in conflicts: `.spec.template.spec.containers[name="web"].image`,
 * `[containerPort=80,protocol="TCP"]` for keys, `[="x"]` for values, `[0]` for indexes.
 */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const pe of path) {
    const text = pe.slice(2);
    switch (pe[0]) {
      case 'f':
        out += `.${text}`;
        break;
      case 'k': {
        const fields = Object.entries((parseJson(text) ?? {}) as Record<string, unknown>);
        out += `[${fields.map(([k, v]) => `${k}=${display(v)}`).join(',')}]`;
        break;
      }
      case 'v':
        out += `[=${display(parseJson(text))}]`;
        break;
      default:
        out += `[${text}]`;
    }
  }
  return out;
}
