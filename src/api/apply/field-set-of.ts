/**
 * The fields an object sets, as a FieldSet: every scalar, atomic list and atomic object it
 * holds, every element of its set and map lists, and every map entry (but not the declared
 * fields that merely contain others). This is what an applied configuration claims.
 * `namedFieldsAsMembers` adds the declared fields above the paths of a set, which is how
 * pruning decides that a whole sub-object goes when nobody owns anything in it.
 * Upstream: sigs.k8s.io/structured-merge-diff typed/tofieldset.go, fieldpath/set.go
 * `EnsureNamedFieldsAreMembers`.
 */
import { FieldSet, FieldSetBuilder } from './field-set.ts';
import { keyedElements } from './list-elements.ts';
import { fieldElement, fieldNameOf, type PathElement } from './path-element.ts';
import { nodeFor, UNTYPED, type TypeNode } from './type-node.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field set of `value`; `strict` throws ApplyError on lists that cannot be keyed. */
export function fieldSetOf(value: unknown, node: TypeNode, strict = false): FieldSet {
  const builder = new FieldSetBuilder();
  const walk = (v: unknown, n: TypeNode, path: PathElement[]): void => {
    const t = nodeFor(n, v);
    if (t.kind === 'scalar') {
      builder.insert(path);
      return;
    }
    if (t.kind === 'list') {
      if (t.relation === 'atomic' || (v !== null && !Array.isArray(v))) {
        builder.insert(path);
        return;
      }
      if (v === null) return;
      const elements = keyedElements(t, v as unknown[], strict, path);
      if (elements === undefined) {
        builder.insert(path);
        return;
      }
      for (const { pe, value } of elements) {
        const child = [...path, pe];
        walk(value, t.items, child);
        builder.insert(child);
      }
      return;
    }
    if (t.atomic || (v !== null && !isObject(v))) {
      builder.insert(path);
      return;
    }
    if (v === null) return;
    for (const [key, child] of Object.entries(v)) {
      const childPath = [...path, fieldElement(key)];
      walk(child, t.child(key), childPath);
      if (!t.isField(key)) builder.insert(childPath);
    }
  };
  walk(value, node, []);
  return builder.build();
}

/** The type of the position `pe` leads to from a position typed `node`. */
export function childNode(node: TypeNode, pe: PathElement): TypeNode {
  if (node.kind === 'object') {
    const name = fieldNameOf(pe);
    return name === undefined ? UNTYPED : node.child(name);
  }
  if (node.kind === 'list') return node.items;
  return UNTYPED;
}

/** `set` plus, at every level, the declared fields that have paths below them. */
export function namedFieldsAsMembers(set: FieldSet, node: TypeNode): FieldSet {
  const members = new Set(set.members);
  const children = new Map<PathElement, FieldSet>();
  for (const [pe, child] of set.children) {
    const name = fieldNameOf(pe);
    if (name !== undefined && node.kind === 'object' && node.isField(name)) members.add(pe);
    children.set(pe, namedFieldsAsMembers(child, childNode(node, pe)));
  }
  return new FieldSet(members, children);
}
