/**
 * The element order of a merged list. The rule, ported from Kubernetes: the elements the patch
 * names keep the patch's order (or its `$setElementOrder` list's); the elements only the server
 * has keep their relative order; the two sequences are interleaved by the server's original
 * positions where both are known, and a patch element the server lacks goes before the server
 * element being compared. So `[a, b, c]` patched with `[c', a']` becomes `[b, c', a']`, and
 * patched with a new `d` becomes `[d, a, b, c]`.
 * Upstream: kubernetes/apimachinery pkg/util/strategicpatch/patch.go `normalizeElementOrder`,
 * `mergeSortedSlice`.
 */
import { PatchError } from './patch-error.ts';
import { getOwn, hasOwn, isJsonObject } from './json-value.ts';

/** The identity of a list element: its merge key value, or the value itself for primitives. */
export function identityOf(element: unknown, mergeKey: string | undefined): unknown {
  if (mergeKey === undefined) return element;
  if (!isJsonObject(element) || !hasOwn(element, mergeKey)) {
    throw new PatchError('Invalid', `list element ${JSON.stringify(element)} does not contain the merge key "${mergeKey}"`);
  }
  return getOwn(element, mergeKey);
}

function indexIn(list: readonly unknown[], element: unknown, mergeKey: string | undefined): number {
  const id = identityOf(element, mergeKey);
  return list.findIndex((e) => identityOf(e, mergeKey) === id);
}

/** `items` stably sorted by their position in `order`; items absent from it keep their place after the others. */
function sortByOrder(items: readonly unknown[], order: readonly unknown[], mergeKey: string | undefined): unknown[] {
  const positions = items.map((item, i) => {
    const at = indexIn(order, item, mergeKey);
    return { item, key: at < 0 ? order.length : at, i };
  });
  positions.sort((a, b) => a.key - b.key || a.i - b.i);
  return positions.map((p) => p.item);
}

/**
 * Interleaves two sorted, disjoint sequences: a server-only element goes first only when both
 * it and the patch element it is compared with appear in `serverOrder` and it comes earlier.
 */
function interleave(serverOnly: readonly unknown[], patchItems: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string | undefined): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length && j < patchItems.length) {
    const left = indexIn(serverOrder, serverOnly[i], mergeKey);
    const right = indexIn(serverOrder, patchItems[j], mergeKey);
    if (left >= 0 && right >= 0 && left < right) out.push(serverOnly[i++]);
    else out.push(patchItems[j++]);
  }
  return [...out, ...serverOnly.slice(i), ...patchItems.slice(j)];
}

/**
 * Orders `merged` (the merge result): elements named in `patchOrder` follow it, the rest follow
 * `serverOrder`, interleaved as described above.
 */
export function orderMergedList(
  merged: readonly unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string | undefined,
): unknown[] {
  for (const e of patchOrder) identityOf(e, mergeKey);
  const patchItems: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const e of merged) (indexIn(patchOrder, e, mergeKey) >= 0 ? patchItems : serverOnly).push(e);
  return interleave(sortByOrder(serverOnly, serverOrder, mergeKey), sortByOrder(patchItems, patchOrder, mergeKey), serverOrder, mergeKey);
}
