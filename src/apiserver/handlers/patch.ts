/**
 * Applying a PATCH body to the current object, by content type: JSON patch (RFC 6902), JSON
 * merge patch (RFC 7386) and strategic merge patch (schema-driven list merging). Apply patches
 * (server-side apply) are handled in apply.ts. Malformed patch documents are 400; a patch that
 * cannot apply (a failed `test`, a missing path, a list element without its merge key) is 422;
 * a content type the kind does not take is 415 (custom resources take no strategic merge patch).
 */
import fastJsonPatch from 'fast-json-patch';
import type { KubeObject } from '../../api/meta/types.ts';
import { jsonMergePatch } from '../../api/patch/json-merge-patch.ts';
import type { PatchSchema } from '../../api/patch/patch-schema.ts';
import { strategicMergePatch, PatchError } from '../../api/patch/strategic-merge.ts';
import { findDuplicateKeys } from '../../util/json-duplicate-keys.ts';
import { ApiError, badRequest, modifiedConflict, unsupportedMediaType } from '../errors.ts';
import { checkBodyDepth } from '../http/request-body.ts';
import type { GenericStore } from '../registry/generic-store.ts';

const { applyPatch: applyJsonPatch, JsonPatchError } = fastJsonPatch;

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** Patch content types, in the order upstream lists them in 415 errors. */
export const PATCH_CONTENT_TYPES = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH, STRATEGIC_MERGE_PATCH] as const;

export type PatchType = typeof JSON_PATCH | typeof MERGE_PATCH | typeof STRATEGIC_MERGE_PATCH;

/** fast-json-patch error names that mean the patch document itself is malformed. */
const MALFORMED_PATCH = new Set([
  'SEQUENCE_NOT_AN_ARRAY',
  'OPERATION_NOT_AN_OBJECT',
  'OPERATION_OP_INVALID',
  'OPERATION_PATH_INVALID',
  'OPERATION_FROM_REQUIRED',
  'OPERATION_VALUE_REQUIRED',
  'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED',
]);

/** A decoded patch body. */
export interface ParsedPatch {
  readonly type: PatchType;
  readonly document: unknown;
  /** Keys the body repeats (for field validation). */
  readonly duplicates: string[];
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function patchMediaType(contentTypeHeader: string): string {
  return contentTypeHeader.split(';')[0]!.trim().toLowerCase();
}

function unsupported(strategicMergePatch: boolean): ApiError {
  const accepted = PATCH_CONTENT_TYPES.filter((t) => strategicMergePatch || t !== STRATEGIC_MERGE_PATCH);
  return unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

/**
 * Decodes a JSON, merge or strategic merge patch. `strategicMergePatch`: whether the kind takes
 * strategic merge patches (415 for one otherwise).
 */
export function parsePatch(contentTypeHeader: string, body: Buffer, strategicMergePatch = true): ParsedPatch {
  const type = patchMediaType(contentTypeHeader);
  if (type !== JSON_PATCH && type !== MERGE_PATCH && (type !== STRATEGIC_MERGE_PATCH || !strategicMergePatch)) throw unsupported(strategicMergePatch);
  const text = body.toString('utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
  checkBodyDepth(document, 'patch');
  if (type === JSON_PATCH) {
    if (!Array.isArray(document)) throw badRequest('error decoding patch: a JSON patch must be an array of operations');
  } else if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw badRequest(`error decoding patch: a ${type === MERGE_PATCH ? 'merge' : 'strategic merge'} patch must be a JSON object`);
  }
  return { type, document, duplicates: type === JSON_PATCH ? [] : findDuplicateKeys(text) };
}

function unprocessable(store: GenericStore, name: string, message: string): ApiError {
  const t = store.strategy.type;
  const qualifiedKind = t.group === '' ? t.kind : `${t.kind}.${t.group}`;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${message}`, {
    name,
    group: t.group,
    kind: t.kind,
    causes: [{ reason: 'FieldValueInvalid', message }],
  });
}

/**
 * Returns the patched object (a new value; `current` may be modified). A resourceVersion the
 * patch sets is a precondition: it must equal the current one (409 otherwise).
 * `schema`: the strategic-merge-patch view of the kind (undefined: merge-patch semantics).
 */
export function applyParsedPatch(store: GenericStore, patch: ParsedPatch, current: KubeObject, schema: PatchSchema | undefined): KubeObject {
  // Read before patching: a JSON patch modifies `current`, and may remove its metadata.
  const name = current.metadata.name ?? '';
  const resourceVersion = current.metadata.resourceVersion;
  let result: unknown;
  switch (patch.type) {
    case JSON_PATCH:
      try {
        result = applyJsonPatch(current, patch.document as fastJsonPatch.Operation[], true, true).newDocument;
      } catch (err) {
        if (err instanceof JsonPatchError) {
          if (MALFORMED_PATCH.has(err.name)) throw badRequest(`invalid JSON patch: ${err.message.split('\n')[0]}`);
          throw unprocessable(store, name, `the JSON patch could not be applied: ${err.message.split('\n')[0]}`);
        }
        throw err;
      }
      break;
    case MERGE_PATCH:
      result = jsonMergePatch(current, patch.document);
      break;
    case STRATEGIC_MERGE_PATCH:
      try {
        result = strategicMergePatch(current, patch.document, schema);
      } catch (err) {
        if (err instanceof PatchError) {
          if (err.reason === 'BadRequest') throw badRequest(err.message);
          throw unprocessable(store, name, err.message);
        }
        throw err;
      }
      break;
  }
  if (typeof result !== 'object' || result === null || Array.isArray(result)) throw unprocessable(store, name, 'the patched object is not an object');
  const next = result as KubeObject;
  if (typeof next.metadata !== 'object' || next.metadata === null) throw unprocessable(store, name, 'metadata: Required value');
  const rv = next.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== resourceVersion) throw modifiedConflict(store.strategy.type, name);
  return next;
}
