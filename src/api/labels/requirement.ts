/**
 * Label selector requirements: one key, one operator, its values. A selector is a list of
 * requirements that must all hold (AND). This is the common form both the string syntax
 * (`app=web,tier in (a,b)`) and the structured LabelSelector compile to.
 */

export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  /** Sorted and distinct; empty for exists / does-not-exist. */
  readonly values: readonly string[];
}

/** A selector: all requirements must match. The empty list matches everything. */
export type Selector = readonly Requirement[];

/** A label set as found in metadata.labels. */
export type Labels = Readonly<Record<string, string>>;

function has(labels: Labels, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, k);
}

/** Integers as the Gt/Lt operators read them (64-bit decimal); undefined when not one. */
function parseInteger(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** Whether one requirement holds for `labels`. */
export function requirementMatches(r: Requirement, labels: Labels): boolean {
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has(labels, r.key) && r.values.includes(labels[r.key]!);
    case '!=':
    case 'notin':
      return !has(labels, r.key) || !r.values.includes(labels[r.key]!);
    case 'exists':
      return has(labels, r.key);
    case '!':
      return !has(labels, r.key);
    case 'gt':
    case 'lt': {
      if (!has(labels, r.key)) return false;
      const actual = parseInteger(labels[r.key]!);
      const bound = parseInteger(r.values[0] ?? '');
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

/** Whether every requirement of `selector` holds for `labels` (missing labels count as empty). */
export function labelsMatch(selector: Selector, labels: Labels | undefined): boolean {
  const set = labels ?? {};
  return selector.every((r) => requirementMatches(r, set));
}

/** The canonical string form of one requirement, e.g. `tier in (a,b)` or `!legacy`. */
export function requirementToString(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0] ?? ''}`;
    case 'lt':
      return `${r.key}<${r.values[0] ?? ''}`;
    default:
      return `${r.key}${r.operator}${r.values[0] ?? ''}`;
  }
}

/** The canonical string form of a selector: requirements by key, comma-joined ('' = everything). */
export function selectorString(selector: Selector): string {
  return sortByKey(selector).map(requirementToString).join(',');
}

/** Requirements ordered by key (stable), the order upstream keeps them in. */
export function sortByKey(selector: Selector): Requirement[] {
  return [...selector].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** `a=b,c=d` with keys sorted, or `<none>` for no labels (kubectl's way of showing a label set). */
export function formatLabels(labels: Labels | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}
