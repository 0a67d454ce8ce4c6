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
import { keyedElements, type KeyedElement } from './list-elements.ts';
import { fieldElement, type PathElement } from './path-element.ts';
import { nodeFor, type ListNode, type ObjectNode, type ScalarNode, type TypeNode } from './type-node.ts';

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
  return isObject(value) && Object.keys(value).length === 0;
}

function shape(value: unknown): 'object' | 'array' | 'scalar' | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return isObject(value) ? 'object' : 'scalar';
}

/** Compares `older` with `newer` (undefined: absent). Lists that cannot be keyed compare whole. */
export function compareObjects(older: unknown, newer: unknown, node: TypeNode): Comparison {
  const added = new FieldSetBuilder();
  const modified = new FieldSetBuilder();
  const removed = new FieldSetBuilder();

  const leaf = (l: unknown, r: unknown, path: PathElement[]): void => {
    if (l === undefined) added.insert(path);
    else if (r === undefined) removed.insert(path);
    else if (!deepEqual(l, r)) modified.insert(path);
  };

  const walk = (l: unknown, r: unknown, n: TypeNode, path: PathElement[]): void => {
    const t: ScalarNode | ObjectNode | ListNode = nodeFor(n, l !== undefined && l !== null ? l : r);
    const ls = shape(l);
    const rs = shape(r);
    const mismatched = l !== undefined && r !== undefined && ls !== 'null' && rs !== 'null' && ls !== rs;
    const bothEmpty = isEmpty(l) && isEmpty(r);
    if (t.kind === 'scalar' || (t.kind === 'object' && t.atomic) || (t.kind === 'list' && t.relation === 'atomic') || mismatched || bothEmpty) {
      leaf(l, r, path);
      return;
    }
    if (t.kind === 'list') {
      if ((l !== undefined && l !== null && !Array.isArray(l)) || (r !== undefined && r !== null && !Array.isArray(r))) {
        leaf(l, r, path);
        return;
      }
      const le = Array.isArray(l) ? keyedElements(t, l, false, path) : [];
      const re = Array.isArray(r) ? keyedElements(t, r, false, path) : [];
      if (le === undefined || re === undefined) {
        leaf(l, r, path);
        return;
      }
      const lm = new Map(le.map((e: KeyedElement) => [e.pe, e.value]));
      const rm = new Map(re.map((e: KeyedElement) => [e.pe, e.value]));
      for (const pe of new Set([...lm.keys(), ...rm.keys()])) walk(lm.get(pe), rm.get(pe), t.items, [...path, pe]);
    } else {
      if ((l !== undefined && l !== null && !isObject(l)) || (r !== undefined && r !== null && !isObject(r))) {
        leaf(l, r, path);
        return;
      }
      const lo = isObject(l) ? l : {};
      const ro = isObject(r) ? r : {};
      for (const key of new Set([...Object.keys(lo), ...Object.keys(ro)])) {
        const lv = Object.prototype.hasOwnProperty.call(lo, key) ? lo[key] : undefined;
        const rv = Object.prototype.hasOwnProperty.call(ro, key) ? ro[key] : undefined;
        walk(lv, rv, t.child(key), [...path, fieldElement(key)]);
      }
    }
    if (l === undefined) added.insert(path);
    else if (r === undefined) removed.insert(path);
  };

  walk(older, newer, node, []);
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
