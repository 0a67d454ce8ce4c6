/**
 * Applying a PATCH body to the current object, by content type: JSON patch (RFC 6902), JSON
 * merge patch (RFC 7386) and strategic merge patch (schema-driven list merging). Malformed patch
 * documents are 400; a patch that cannot apply (a failed `test`, a missing path) is 422.
 */
import fastJsonPatch from 'fast-json-patch';
import type { KubeObject } from '../../api/meta/types.ts';
import { jsonMergePatch } from '../../api/patch/json-merge-patch.ts';
import { strategicMergePatch, PatchError } from '../../api/patch/strategic-merge.ts';
import { ApiError, badRequest, unsupportedMediaType } from '../errors.ts';
import type { GenericStore } from '../registry/generic-store.ts';
import { patchSchemaForType } from '../openapi.ts';

const { applyPatch: applyJsonPatch, JsonPatchError } = fastJsonPatch;

/** Patch content types this server understands. */
export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

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

function parsePatchJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

function unprocessable(store: GenericStore, current: KubeObject, message: string): ApiError {
  const t = store.strategy.type;
  const qualifiedKind = t.group === '' ? t.kind : `${t.kind}.${t.group}`;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${current.metadata.name}" is invalid: ${message}`, {
    name: current.metadata.name ?? '',
    group: t.group,
    kind: t.kind,
    causes: [{ reason: 'FieldValueInvalid', message }],
  });
}

/**
 * Returns the patched object (a new value; `current` may be modified). A resourceVersion that
 * the patch sets is a precondition and must equal the current one (409 otherwise, raised by
 * the caller's update).
 */
export function applyPatch(store: GenericStore, contentTypeHeader: string, body: Buffer, current: KubeObject): KubeObject {
  const contentType = contentTypeHeader.split(';')[0]!.trim().toLowerCase();
  if (contentType === 'application/strategic-merge-patch+json' && !store.strategy.strategicMergePatch) {
    throw unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_CONTENT_TYPES.filter((t) => t !== contentType).join(', ')}`,
    );
  }
  const patch = parsePatchJson(body);
  let result: unknown;
  switch (contentType) {
    case 'application/json-patch+json': {
      if (!Array.isArray(patch)) throw badRequest('error decoding patch: a JSON patch must be an array of operations');
      try {
        result = applyJsonPatch(current, patch, true, true).newDocument;
      } catch (err) {
        if (err instanceof JsonPatchError) {
          if (MALFORMED_PATCH.has(err.name)) throw badRequest(`invalid JSON patch: ${err.message.split('\n')[0]}`);
          throw unprocessable(store, current, `the JSON patch could not be applied: ${err.message.split('\n')[0]}`);
        }
        throw err;
      }
      break;
    }
    case 'application/merge-patch+json':
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw badRequest('error decoding patch: a merge patch must be a JSON object');
      result = jsonMergePatch(current, patch);
      break;
    case 'application/strategic-merge-patch+json':
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw badRequest('error decoding patch: a strategic merge patch must be a JSON object');
      try {
        result = strategicMergePatch(current, patch, patchSchemaForType(store.strategy.type));
      } catch (err) {
        if (err instanceof PatchError) throw unprocessable(store, current, err.message);
        throw err;
      }
      break;
    default:
      throw unsupportedMediaType(
        `the body of the request was in an unknown format - accepted media types include: ${PATCH_CONTENT_TYPES.join(', ')}`,
      );
  }
  if (typeof result !== 'object' || result === null || Array.isArray(result)) throw unprocessable(store, current, 'the patched object is not an object');
  const next = result as KubeObject;
  if (typeof next.metadata !== 'object' || next.metadata === null) throw unprocessable(store, current, 'metadata: Required value');
  return next;
}
