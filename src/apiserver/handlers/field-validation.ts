/**
 * Checks of a decoded body against its kind's schema, on create, update and patch (the patched
 * object) and of an apply configuration:
 *
 * - JSON types (built-in kinds only, see OpenApiCatalog.typedDecoding): a value of the wrong
 *   type is 400 BadRequest whatever the validation mode, as upstream's typed decoding fails on
 *   it, so nothing of that request is stored.
 * - Field validation (`fieldValidation=Strict|Warn|Ignore`): fields the kind's schema does not
 *   declare, and keys a body repeats. Strict refuses them (400 "strict decoding error: ..."),
 *   Warn (the default) accepts the object and adds one `Warning: 299` header per problem,
 *   Ignore accepts silently. Unknown fields are dropped from the stored object in every mode,
 *   as upstream's decoder drops them.
 */
import type { GroupVersionKind } from '../../api/meta/types.ts';
import { checkSchemaFields, type WrongType } from '../../api/validation/schema-fields.ts';
import { badRequest } from '../errors.ts';
import { addWarnings } from '../http/respond.ts';
import { openApiCatalog, type OpenApiCatalog } from '../openapi-catalog.ts';
import { parseFieldValidation, type FieldValidation, type RequestContext } from './request-context.ts';

/**
 * `Deployment in version "v1" cannot be handled as a Deployment: spec.replicas: expected int32
 * (a whole number), got string "abc"`: upstream's framing of a body it cannot decode (what
 * users and scripts see through kubectl), with the field and the types in k8ts's words.
 */
function wrongTypeMessage(gvk: GroupVersionKind, wrong: WrongType): string {
  return `${gvk.kind} in version "${gvk.version}" cannot be handled as a ${gvk.kind}: ${wrong.path}: expected ${wrong.expected}, got ${wrong.got}`;
}

/**
 * Checks a decoded object of kind `gvk` (unknown fields are pruned from it) and the duplicate
 * keys found in its body. Returns the warnings to send (Warn mode); throws 400 for a wrong
 * type, and in Strict mode for unknown or repeated fields.
 */
export function validateFields(mode: FieldValidation, obj: unknown, duplicates: readonly string[], catalog: OpenApiCatalog, gvk: GroupVersionKind): string[] {
  const kindSchema = catalog.kindSchema(gvk);
  const checked = kindSchema === undefined ? undefined : checkSchemaFields(obj, kindSchema, { types: catalog.typedDecoding(gvk) });
  if (checked?.wrongType !== undefined) throw badRequest(wrongTypeMessage(gvk, checked.wrongType));
  const unknown = checked?.unknown ?? [];
  const problems = [...unknown.map((f) => `unknown field "${f}"`), ...duplicates.map((f) => `duplicate field "${f}"`)];
  if (problems.length === 0 || mode === 'Ignore') return [];
  if (mode === 'Strict') throw badRequest(`strict decoding error: ${problems.join(', ')}`);
  return problems;
}

/**
 * The checks of a decoded create/update body of kind `gvk` (`duplicates`: the keys the body
 * repeats, see DecodedObjectBody); Warn-mode findings become Warning headers.
 */
export function checkBodyFields(ctx: RequestContext, gvk: GroupVersionKind, obj: unknown, duplicates: () => string[]): void {
  addWarnings(ctx.res, validateFields(parseFieldValidation(ctx.url.searchParams), obj, duplicates(), openApiCatalog(ctx.registry), gvk));
}
