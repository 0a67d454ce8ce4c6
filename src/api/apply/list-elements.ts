/**
 * The identity of the elements of set and map lists: `v:<value>` for a set, `k:{...}` for a
 * map (its key fields, a missing one taking the schema default). Applied configurations must be
 * well formed (every element keyed, no key twice: an ApplyError otherwise); stored objects are
 * read leniently (a list that cannot be keyed is treated as atomic, a repeated key keeps its
 * first element), so recording an ordinary update never fails on old or odd data.
 * Upstream: sigs.k8s.io/structured-merge-diff typed/helpers.go `keyedAssociativeListItemToPathElement`.
 */
import { ApplyError } from './apply-error.ts';
import { formatPath, keyElement, valueElement, type FieldPath, type PathElement } from './path-element.ts';
import type { ListNode } from './type-node.ts';

export interface KeyedElement {
  readonly pe: PathElement;
  readonly value: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The elements of a set or map list, keyed, in list order. Undefined (lenient) when the list
 * cannot be keyed. In strict mode a malformed list throws, naming the list by `path`.
 */
export function keyedElements(list: ListNode, value: readonly unknown[], strict: boolean, path: FieldPath): KeyedElement[] | undefined {
  const out: KeyedElement[] = [];
  const seen = new Set<PathElement>();
  for (let i = 0; i < value.length; i++) {
    const element = value[i];
    let pe: PathElement;
    if (list.relation === 'set') {
      if (typeof element === 'object' && element !== null) {
        if (strict) throw new ApplyError('Invalid', `${formatPath(path)}: element ${i}: a set may only hold scalar values`);
        return undefined;
      }
      pe = valueElement(element);
    } else {
      if (!isObject(element)) {
        if (strict) throw new ApplyError('Invalid', `${formatPath(path)}: element ${i}: expected an object`);
        return undefined;
      }
      const fields = new Map<string, unknown>();
      for (const key of list.keys) {
        const v = Object.prototype.hasOwnProperty.call(element, key) ? element[key] : list.keyDefaults[key];
        if (v === undefined || v === null) {
          if (strict) {
            throw new ApplyError('Invalid', `${formatPath(path)}: element ${i}: associative list with keys has an element that omits key field "${key}" (and doesn't have default value)`);
          }
          return undefined;
        }
        fields.set(key, v);
      }
      pe = keyElement(fields);
    }
    if (seen.has(pe)) {
      if (strict) throw new ApplyError('Invalid', `${formatPath(path)}: duplicate entries for key ${formatPath([pe])}`);
      continue;
    }
    seen.add(pe);
    out.push({ pe, value: element });
  }
  return out;
}
