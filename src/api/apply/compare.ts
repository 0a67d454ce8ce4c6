/**
 * What changed between two versions of an object, as three field sets: `added` (paths only the
 * new one has), `modified` (scalars and atomic values that differ) and `removed` (paths only
 * the old one has). Containers (granular objects, set and map lists, list elements) count as
 * added or removed themselves when they appear or disappear, besides their content; two
 * empty containers compare as values, so `{}` appearing is an addition.
 * Upstream: sigs.k8s.io/structured-merge-diff typed/compare.go, typed/typed.go `Compare`.
 */
import { deepEqual } from '../../util/deep-equal.ts';
import { FieldSetBuilder, type FieldSet } from './field-set.ts';
import { keyedElements } from './list-elements.ts';
import { fieldElement, type PathElement } from './path-element.ts';
import { nodeFor, type TypeNode } from './type-node.ts';

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (!isObject(value)) return false;
  for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) return false;
  return true;
}

type Shape = 'object' | 'array' | 'scalar' | 'null' | 'absent';

function shape(value: unknown): Shape {
  if (value === undefined) return 'absent';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : 'scalar';
}

const hasOwn = (o: Record<string, unknown>, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Compares `older` with `newer` (undefined: absent). Lists that cannot be keyed compare whole. */
export function compareObjects(older: unknown, newer: unknown, node: TypeNode): Comparison {
  const added = new FieldSetBuilder();
  const modified = new FieldSetBuilder();
  const removed = new FieldSetBuilder();
  // One path, extended and shortened as the walk descends (builders copy what they keep).
  const path: PathElement[] = [];

  const leaf = (l: unknown, r: unknown): void => {
    if (l === undefined) added.insert(path);
    else if (r === undefined) removed.insert(path);
    else if (!deepEqual(l, r)) modified.insert(path);
  };

  const walk = (l: unknown, r: unknown, n: TypeNode): void => {
    const ls = shape(l);
    const rs = shape(r);
    const t = nodeFor(n, ls === 'absent' || ls === 'null' ? r : l);
    const present = (s: Shape): boolean => s !== 'absent' && s !== 'null';
    if (
      t.kind === 'scalar' ||
      (t.kind === 'object' && t.atomic) ||
      (t.kind === 'list' && t.relation === 'atomic') ||
      (present(ls) && present(rs) && ls !== rs) ||
      (isEmpty(l) && isEmpty(r))
    ) {
      leaf(l, r);
      return;
    }
    const wanted = t.kind === 'list' ? 'array' : 'object';
    if ((present(ls) && ls !== wanted) || (present(rs) && rs !== wanted)) {
      leaf(l, r);
      return;
    }
    if (t.kind === 'list') {
      const le = ls === 'array' ? keyedElements(t, l as unknown[], false, path) : [];
      const re = rs === 'array' ? keyedElements(t, r as unknown[], false, path) : [];
      if (le === undefined || re === undefined) {
        leaf(l, r);
        return;
      }
      const rm = new Map(re.map((e) => [e.pe, e.value]));
      const seen = new Set<PathElement>();
      for (const e of le) {
        seen.add(e.pe);
        path.push(e.pe);
        walk(e.value, rm.get(e.pe), t.items);
        path.pop();
      }
      for (const e of re) {
        if (seen.has(e.pe)) continue;
        path.push(e.pe);
        walk(undefined, e.value, t.items);
        path.pop();
      }
    } else if (t.kind === 'object') {
      const lo = ls === 'object' ? (l as Record<string, unknown>) : {};
      const ro = rs === 'object' ? (r as Record<string, unknown>) : {};
      for (const key of Object.keys(lo)) {
        path.push(fieldElement(key));
        walk(lo[key], hasOwn(ro, key) ? ro[key] : undefined, t.child(key));
        path.pop();
      }
      for (const key of Object.keys(ro)) {
        if (hasOwn(lo, key)) continue;
        path.push(fieldElement(key));
        walk(undefined, ro[key], t.child(key));
        path.pop();
      }
    }
    if (l === undefined) added.insert(path);
    else if (r === undefined) removed.insert(path);
  };

  walk(older, newer, node);
  return { added: added.build(), modified: modified.build(), removed: removed.build() };
}

/** Whether a comparison found no change. */
export function isUnchanged(c: Comparison): boolean {
  return c.added.isEmpty() && c.modified.isEmpty() && c.removed.isEmpty();
}

/** The comparison without the given fields (and what is below them). */
export function excludeFields(c: Comparison, fields: FieldSet): Comparison {
  return { added: c.added.recursiveDifference(fields), modified: c.modified.recursiveDifference(fields), removed: c.removed.recursiveDifference(fields) };
}
