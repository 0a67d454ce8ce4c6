/**
 * Merging an applied configuration into the live object: what the configuration sets wins,
 * what it does not mention stays. Granular objects merge key by key, set and map lists element
 * by element (elements matched by value or key), atomic values are replaced. A `null` scalar
 * in the configuration removes the field; a `null` object or list leaves the live one alone.
 *
 * Element order: the configuration's elements keep its order and the live-only ones keep
 * theirs; a live-only element comes before the configuration elements that follow the shared
 * element it preceded, and new elements go after the live ones around them. So `[a, b, c]`
 * merged with `[c, a]` gives `[b, c, a]`, with `[a, d]` gives `[a, b, c, d]`, and with
 * `[d, b]` gives `[a, d, b, c]`.
 * Upstream: sigs.k8s.io/structured-merge-diff typed/merge.go (`Merge` with the keep-RHS rule).
 */
import { cloneJson } from '../patch/json-value.ts';
import { keyedElements, type KeyedElement } from './list-elements.ts';
import { fieldElement, type PathElement } from './path-element.ts';
import { nodeFor, type ListNode, type TypeNode } from './type-node.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Removes null values from object keys, recursively (a removed field, in the merge result). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

/**
 * `live` (undefined: absent) with `config` merged in; neither is modified. Undefined when the
 * result is an absent field. Throws ApplyError when `config` has a list it cannot key.
 */
export function mergeConfiguration(live: unknown, config: unknown, node: TypeNode): unknown {
  return merge(live, config, node, []);
}

function merge(l: unknown, r: unknown, n: TypeNode, path: PathElement[]): unknown {
  if (r === undefined) return l === undefined ? undefined : cloneJson(l);
  const t = nodeFor(n, r !== null ? r : l);
  if (r === null) {
    // A null container claims nothing and changes nothing; a null scalar removes the field.
    if (t.kind === 'scalar' || (t.kind === 'object' && t.atomic) || (t.kind === 'list' && t.relation === 'atomic')) return undefined;
    return l === undefined ? undefined : cloneJson(l);
  }
  if (t.kind === 'object' && !t.atomic && isObject(r)) {
    const base = isObject(l) ? l : {};
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(base)) {
      if (!Object.prototype.hasOwnProperty.call(r, key)) out[key] = cloneJson(value);
    }
    for (const [key, value] of Object.entries(r)) {
      const lv = Object.prototype.hasOwnProperty.call(base, key) ? base[key] : undefined;
      const merged = merge(lv, value, t.child(key), [...path, fieldElement(key)]);
      if (merged !== undefined) out[key] = merged;
    }
    return isObject(l) ? reorder(out, l, r) : out;
  }
  if (t.kind === 'list' && t.relation !== 'atomic' && Array.isArray(r)) {
    const re = keyedElements(t, r, true, path)!;
    const le = Array.isArray(l) ? keyedElements(t, l, false, path) : [];
    if (le === undefined) return withoutNulls(r);
    return mergeList(le, re, t, path);
  }
  return withoutNulls(r);
}

/** Live keys first in their order, then new keys in the configuration's order. */
function reorder(out: Record<string, unknown>, l: Record<string, unknown>, r: Record<string, unknown>): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(l)) if (Object.prototype.hasOwnProperty.call(out, key)) ordered[key] = out[key];
  for (const key of Object.keys(r)) if (Object.prototype.hasOwnProperty.call(out, key) && !(key in ordered)) ordered[key] = out[key];
  return ordered;
}

function mergeList(live: readonly KeyedElement[], config: readonly KeyedElement[], list: ListNode, path: PathElement[]): unknown[] {
  const liveByKey = new Map(live.map((e) => [e.pe, e.value]));
  const inConfig = new Set(config.map((e) => e.pe));
  const out: unknown[] = [];
  const push = (pe: PathElement, l: unknown, r: unknown): void => {
    const merged = merge(l, r, list.items, [...path, pe]);
    if (merged !== undefined) out.push(merged);
  };
  // Before each configuration element come the live-only elements the live list has up to
  // the next element the configuration shares; a shared element is placed by the
  // configuration, the live pointer skipping past it.
  let i = 0;
  const flushLiveOnly = (): void => {
    for (; i < live.length && !inConfig.has(live[i]!.pe); i++) push(live[i]!.pe, live[i]!.value, undefined);
  };
  for (const element of config) {
    flushLiveOnly();
    if (liveByKey.has(element.pe)) {
      for (; i < live.length && live[i]!.pe !== element.pe; i++) {
        if (!inConfig.has(live[i]!.pe)) push(live[i]!.pe, live[i]!.value, undefined);
      }
      if (i < live.length) i++;
    }
    push(element.pe, liveByKey.get(element.pe), element.value);
  }
  for (; i < live.length; i++) if (!inConfig.has(live[i]!.pe)) push(live[i]!.pe, live[i]!.value, undefined);
  return out;
}
