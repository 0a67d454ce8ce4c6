/**
 * Removing the fields of a set from an object: a member of the set removes that field, list
 * element or map entry with everything below it; children of the set descend. A granular
 * object or list emptied by the removal goes too (upstream's typed objects drop it the same
 * way); atomic values are never entered.
 * Upstream: sigs.k8s.io/structured-merge-diff typed/remove.go.
 */
import { cloneJson } from '../patch/json-value.ts';
import type { FieldSet } from './field-set.ts';
import { keyedElements } from './list-elements.ts';
import { fieldElement } from './path-element.ts';
import { nodeFor, type TypeNode } from './type-node.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of `value` without the fields of `set`; undefined when nothing is left of it. */
export function removeFields(value: unknown, set: FieldSet, node: TypeNode): unknown {
  if (set.isEmpty()) return cloneJson(value);
  const t = nodeFor(node, value);
  if (t.kind === 'object' && !t.atomic && isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const pe = fieldElement(key);
      if (set.members.has(pe)) continue;
      const below = set.children.get(pe);
      if (below === undefined) {
        out[key] = cloneJson(child);
        continue;
      }
      const rest = removeFields(child, below, t.child(key));
      if (rest !== undefined) out[key] = rest;
    }
    return Object.keys(out).length === 0 && Object.keys(value).length > 0 ? undefined : out;
  }
  if (t.kind === 'list' && t.relation !== 'atomic' && Array.isArray(value)) {
    const elements = keyedElements(t, value, false, []);
    if (elements === undefined) return cloneJson(value);
    const out: unknown[] = [];
    for (const { pe, value: element } of elements) {
      if (set.members.has(pe)) continue;
      const below = set.children.get(pe);
      const rest = below === undefined ? cloneJson(element) : removeFields(element, below, t.items);
      if (rest !== undefined) out.push(rest);
    }
    return out.length === 0 && value.length > 0 ? undefined : out;
  }
  return cloneJson(value);
}
