/**
 * Strategic merge patch (`application/strategic-merge-patch+json`): JSON merge patch, except
 * that lists whose schema says `merge` merge element by element, and these directives:
 *
 * - `"$patch": "replace"` in an object replaces it with the rest of that object; in a list
 *   element, replaces the whole list with the patch's other elements.
 * - `"$patch": "delete"` in an object empties it; in a list element, removes the elements
 *   with that merge key value.
 * - `"$retainKeys": [...]` in an object removes every key of the original not listed (and the
 *   patch may only set listed keys).
 * - `"$setElementOrder/<list>": [...]` gives the final order of the elements the patch knows.
 * - `"$deleteFromPrimitiveList/<list>": [...]` removes these values from a list of primitives.
 * - `null` removes a key.
 *
 * Semantics are ported from Kubernetes (the server side, `StrategicMergeMapPatch`), with these
 * deliberate differences: values inserted where the original had nothing are cleaned of
 * directives and nulls in every case (upstream leaves some for its typed decoding to drop,
 * while k8ts stores JSON as is); an inserted object carrying `"$patch": "replace"` keeps its
 * content; `$deleteFromPrimitiveList` with a non-list value is a 400.
 * Upstream: kubernetes/apimachinery pkg/util/strategicpatch/patch.go.
 */
import { jsonMergePatch } from './json-merge-patch.ts';
import { cloneJson, getOwn, hasOwn, isJsonObject, setOwn, type JsonObject } from './json-value.ts';
import { identityOf, orderMergedList } from './list-order.ts';
import { PatchError } from './patch-error.ts';
import type { PatchField, PatchSchema } from './patch-schema.ts';

export { PatchError } from './patch-error.ts';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

function badRequest(message: string): PatchError {
  return new PatchError('BadRequest', message);
}

function invalid(message: string): PatchError {
  return new PatchError('Invalid', message);
}

/**
 * `original` with `patch` applied (neither is modified). Without a schema (a kind k8ts has no
 * schema for), the patch applies as a JSON merge patch. Throws PatchError.
 */
export function strategicMergePatch(original: unknown, patch: unknown, schema: PatchSchema | undefined): JsonObject {
  if (!isJsonObject(original)) throw badRequest('the object to patch is not a JSON object');
  if (!isJsonObject(patch)) throw badRequest('a strategic merge patch must be a JSON object');
  if (schema === undefined) return jsonMergePatch(original, patch) as JsonObject;
  return mergeObject(cloneJson(original), cloneJson(patch), schema);
}

function isDirectiveElement(element: unknown): boolean {
  return isJsonObject(element) && hasOwn(element, DIRECTIVE);
}

function isDeleteElement(element: unknown): boolean {
  return isJsonObject(element) && getOwn(element, DIRECTIVE) === 'delete';
}

/** Merges `patch` into `original` (both owned by the caller, and modified); returns the result. */
function mergeObject(original: JsonObject, patch: JsonObject, schema: PatchSchema): JsonObject {
  if (hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    delete patch[DIRECTIVE];
    if (directive === 'replace') return mergeObject({}, patch, schema);
    if (directive === 'delete') return {};
    throw invalid(`unknown patch directive ${JSON.stringify(directive)} in an object (expected "replace" or "delete")`);
  }
  applyRetainKeys(original, patch);
  applyElementOrders(original, patch, schema);
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      deleteFromPrimitiveList(original, key, value);
      continue;
    }
    if (value === null) {
      delete original[key];
      continue;
    }
    const field = schema.field(key);
    const current = getOwn(original, key);
    const next = current === undefined || kindOf(current) !== kindOf(value) ? freshValue(value, field) : mergeValue(current, value, field);
    if (next === undefined) delete original[key];
    else setOwn(original, key, next);
  }
  return original;
}

type ValueKind = 'object' | 'array' | 'scalar';

function kindOf(value: unknown): ValueKind {
  if (Array.isArray(value)) return 'array';
  return isJsonObject(value) ? 'object' : 'scalar';
}

/** Merges two values of the same kind; undefined means the key goes away. */
function mergeValue(current: unknown, value: unknown, field: PatchField): unknown {
  if (isJsonObject(current) && isJsonObject(value)) {
    return field.meta.strategy === 'replace' ? freshValue(value, field) : mergeObject(current, value, field.schema);
  }
  if (Array.isArray(current) && Array.isArray(value)) {
    return field.meta.strategy === 'merge' ? mergeList(current, value, field) : freshList(value, field.schema.items());
  }
  return value;
}

/**
 * The value to store for a patch value with nothing to merge into: directives applied to an
 * empty value, nulls dropped. Undefined when the value is a `"$patch": "delete"` object.
 */
function freshValue(value: unknown, field: PatchField): unknown {
  if (isJsonObject(value)) return isDeleteElement(value) ? undefined : mergeObject({}, value, field.schema);
  if (Array.isArray(value)) return field.meta.strategy === 'merge' ? mergeList([], value, field) : freshList(value, field.schema.items());
  return value;
}

/** A list replacing another as a whole, its object elements cleaned of directives and nulls. */
function freshList(list: readonly unknown[], items: PatchSchema): unknown[] {
  const out: unknown[] = [];
  for (const element of list) {
    if (isDeleteElement(element)) continue;
    out.push(isJsonObject(element) ? mergeObject({}, element, items) : element);
  }
  return out;
}

/**
 * The kind shared by the elements of the lists: objects, or primitives of one JSON type.
 * Undefined when the lists are empty. Lists of lists and mixed lists cannot merge.
 */
function elementKind(...lists: readonly (readonly unknown[])[]): 'object' | 'scalar' | undefined {
  let seen: string | undefined;
  for (const list of lists) {
    for (const element of list) {
      if (Array.isArray(element)) throw invalid('lists of lists cannot be merged');
      const type = element === null ? 'null' : isJsonObject(element) ? 'object' : typeof element;
      if (seen === undefined) seen = type;
      else if (seen !== type) throw invalid(`list elements are not all of one type: ${JSON.stringify(list)}`);
    }
  }
  if (seen === undefined) return undefined;
  return seen === 'object' ? 'object' : 'scalar';
}

function uniqueValues(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) if (!out.includes(v)) out.push(v);
  return out;
}

/** Merges a list whose strategy is `merge`. `original` is owned by the caller. */
function mergeList(original: unknown[], patch: readonly unknown[], field: PatchField): unknown[] {
  const kind = elementKind(original, patch);
  if (kind === undefined) return original;
  if (kind === 'scalar') return orderMergedList(uniqueValues([...original, ...patch]), patch, original, undefined);

  const mergeKey = field.meta.mergeKey;
  if (mergeKey === undefined) throw invalid('cannot merge a list of objects that has no merge key');
  const items = field.schema.items();
  let base = original as JsonObject[];
  let plain: JsonObject[] = [];
  let replace = false;
  for (const element of patch as JsonObject[]) {
    if (!hasOwn(element, DIRECTIVE)) {
      plain.push(element);
      continue;
    }
    const directive = element[DIRECTIVE];
    if (directive === 'delete') {
      const id = identityOf(element, mergeKey);
      base = base.filter((e) => getOwn(e, mergeKey) !== id);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw invalid('"$patch": "merge" is not supported in a list');
    } else {
      throw invalid(`unknown patch directive ${JSON.stringify(directive)} in a list (expected "replace" or "delete")`);
    }
  }
  if (replace) {
    base = plain.map((e) => mergeObject({}, e, items));
    plain = [];
  }
  const merged: JsonObject[] = [...base];
  for (const element of plain) {
    const id = identityOf(element, mergeKey);
    const at = merged.findIndex((e) => getOwn(e, mergeKey) === id);
    if (at >= 0) merged[at] = mergeObject(merged[at]!, element, items);
    else merged.push(mergeObject({}, element, items));
  }
  return orderMergedList(merged, plain, base, mergeKey);
}

/** `$retainKeys`: drops the original keys not listed; the patch may only set listed keys. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const listed = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(listed)) throw badRequest('invalid patch: $retainKeys must be a list of field names');
  const keep = new Set(listed.filter((k): k is string => typeof k === 'string'));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(key)) throw badRequest(`invalid patch: field "${key}" is set but not listed in $retainKeys`);
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

/**
 * `$setElementOrder/<list>`: merges the list (and removes it from the patch), then orders the
 * elements the directive names as it says, keeping the server-only elements around them.
 */
function applyElementOrders(original: JsonObject, patch: JsonObject, schema: PatchSchema): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    const key = directiveKey.slice(SET_ELEMENT_ORDER.length);
    if (key === '' || !Array.isArray(order)) throw badRequest(`invalid patch: ${directiveKey} must name a field and hold a list`);
    const current = getOwn(original, key);
    const patchList = getOwn(patch, key);
    if (current !== undefined && !Array.isArray(current)) throw invalid(`${key} is not a list, so ${directiveKey} cannot apply`);
    if (patchList !== undefined && !Array.isArray(patchList)) throw badRequest(`invalid patch: ${key} must be a list alongside ${directiveKey}`);
    const field = schema.field(key);
    const mergeKey = field.meta.mergeKey;
    // Objects without a merge key have no identity to order by: the directive is ignored.
    const orderable = mergeKey !== undefined || elementKind(current ?? [], patchList ?? []) !== 'object';
    if (orderable) checkOrderMatchesPatch(patchList ?? [], order, mergeKey, directiveKey);

    let merged: unknown[];
    if (patchList === undefined) {
      if (current === undefined) continue;
      merged = current;
    } else if (field.meta.strategy === 'merge') {
      merged = mergeList(current ?? [], patchList, field);
    } else {
      merged = freshList(patchList, field.schema.items());
    }
    delete patch[key];
    setOwn(original, key, orderable ? orderMergedList(merged, order, current ?? [], mergeKey) : merged);
  }
}

/**
 * The patch list must name its elements in the order of the `$setElementOrder` list, and only
 * elements that list names (elements that delete or carry other directives aside).
 */
function checkOrderMatchesPatch(patchList: readonly unknown[], order: readonly unknown[], mergeKey: string | undefined, directiveKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const named = mergeKey === undefined ? patchList : patchList.filter((e) => !isDeleteElement(e));
  let p = 0;
  let o = 0;
  while (p < named.length && o < order.length) {
    if (isDirectiveElement(named[p])) {
      p++;
      continue;
    }
    if (identityOf(named[p], mergeKey) === identityOf(order[o], mergeKey)) p++;
    o++;
  }
  while (p < named.length && isDirectiveElement(named[p])) p++;
  if (p < named.length) {
    throw badRequest(`invalid patch: the elements of the list do not follow the order of ${directiveKey}`);
  }
}

/** `$deleteFromPrimitiveList/<list>`: removes every occurrence of the values. */
function deleteFromPrimitiveList(original: JsonObject, directiveKey: string, values: unknown): void {
  const key = directiveKey.slice(DELETE_FROM_PRIMITIVE_LIST.length);
  if (key === '' || !Array.isArray(values)) throw badRequest(`invalid patch: ${directiveKey} must name a field and hold a list`);
  const current = getOwn(original, key);
  if (!Array.isArray(current)) return;
  if (elementKind(current, values) === 'object') throw invalid(`${directiveKey} applies only to lists of primitive values`);
  setOwn(original, key, current.filter((v) => !values.includes(v)));
}
