/**
 * What a strategic merge patch needs to know about a field: whether its list merges element by
 * element (and on which key), or is replaced, and whether clients send `$retainKeys` for it.
 * The OpenAPI schemas provide it (../openapi/patch-schema.ts); a schema that knows nothing
 * (`emptyPatchSchema`) gives plain merge-patch behaviour plus the `$` directives.
 */

export interface FieldPatchMeta {
  /**
   * `merge`: a list merges element by element (by `mergeKey` for objects, as a set for
   * primitives); `replace`: the value is replaced as a whole, even an object; undefined:
   * objects merge key by key and lists are replaced.
   */
  readonly strategy?: 'merge' | 'replace';
  /** Clients send `$retainKeys` for this field (the server honours `$retainKeys` anywhere). */
  readonly retainKeys: boolean;
  /** The field identifying a list element, for merging lists of objects. */
  readonly mergeKey?: string;
}

/** A field's patch metadata and the schema of its value. */
export interface PatchField {
  readonly meta: FieldPatchMeta;
  /** The schema of the field value (for a list, the list itself: call `items()` for elements). */
  readonly schema: PatchSchema;
}

/** A navigable view of a schema, one node per value position. */
export interface PatchSchema {
  /** The field `key` of an object at this node, or a value of a map. Unknown fields have no metadata. */
  field(key: string): PatchField;
  /** The elements of a list at this node. */
  items(): PatchSchema;
}

export const NO_PATCH_META: FieldPatchMeta = { retainKeys: false };

/** A schema with no metadata anywhere. */
export const emptyPatchSchema: PatchSchema = {
  field: () => ({ meta: NO_PATCH_META, schema: emptyPatchSchema }),
  items: () => emptyPatchSchema,
};

/**
 * Reads an `x-kubernetes-patch-strategy` value (`merge`, `replace`, `retainKeys`,
 * `merge,retainKeys`) and merge key into field metadata; unknown strategy words are ignored.
 */
export function fieldPatchMeta(strategy: string | undefined, mergeKey: string | undefined): FieldPatchMeta {
  if (strategy === undefined && mergeKey === undefined) return NO_PATCH_META;
  const words = (strategy ?? '').split(',').map((w) => w.trim());
  const main = words.find((w): w is 'merge' | 'replace' => w === 'merge' || w === 'replace');
  return {
    ...(main === undefined ? {} : { strategy: main }),
    retainKeys: words.includes('retainKeys'),
    ...(mergeKey === undefined ? {} : { mergeKey }),
  };
}
