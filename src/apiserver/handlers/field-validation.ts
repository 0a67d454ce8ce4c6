/**
 * Server-side field validation (`fieldValidation=Strict|Warn|Ignore` on create, update and
 * patch): fields the kind's schema does not declare, and keys a body repeats. Strict refuses
 * them (400 "strict decoding error: ..."), Warn (the default) accepts the object and adds one
 * `Warning: 299` header per problem, Ignore accepts silently. Unknown fields are dropped from
 * the stored object in every mode, as upstream's decoder drops them.
 */
import type { KindSchema } from '../../api/openapi/registry.ts';
import { pruneUnknownFields } from '../../api/validation/unknown-fields.ts';
import { badRequest } from '../errors.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import { addWarnings } from '../http/respond.ts';
import { openApiCatalog } from '../openapi-catalog.ts';
import { parseFieldValidation, type FieldValidation, type RequestContext } from './request-context.ts';

/**
 * Applies the validation mode to a decoded object (unknown fields are pruned from it) and the
 * duplicate keys found in its body. Returns the warnings to send (Warn mode); throws 400 in
 * Strict mode.
 */
export function validateFields(mode: FieldValidation, obj: unknown, duplicates: readonly string[], kindSchema: KindSchema | undefined): string[] {
  const unknown = kindSchema === undefined ? [] : pruneUnknownFields(obj, kindSchema.schema, kindSchema.resolve);
  const problems = [...unknown.map((f) => `unknown field "${f}"`), ...duplicates.map((f) => `duplicate field "${f}"`)];
  if (problems.length === 0 || mode === 'Ignore') return [];
  if (mode === 'Strict') throw badRequest(`strict decoding error: ${problems.join(', ')}`);
  return problems;
}

/**
 * Field validation of a decoded create/update body of kind `type` (`duplicates`: the keys the
 * body repeats, see DecodedObjectBody); Warn-mode findings become Warning headers.
 */
export function checkBodyFields(ctx: RequestContext, type: ResourceType, obj: unknown, duplicates: () => string[]): void {
  const kindSchema = openApiCatalog(ctx.registry).kindSchema(type);
  addWarnings(ctx.res, validateFields(parseFieldValidation(ctx.url.searchParams), obj, duplicates(), kindSchema));
}
