/**
 * Requests on create-only resources (access reviews, SelfSubjectReview): only POST to the
 * collection is served, the body is decoded like any object's (JSON, YAML or protobuf) and
 * checked against the kind's schema, and the answer comes back with 201, stored nowhere.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { apiVersionOf } from '../../api/resource-type.ts';
import { badRequest, methodNotAllowed, pathNotFound } from '../errors.ts';
import { writeJson } from '../http/respond.ts';
import type { CreateOnlyResource } from '../registry/api-registry.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import { checkBodyFields } from './field-validation.ts';
import type { RequestContext } from './request-context.ts';
import { readObjectBodyWithDuplicates } from './resource.ts';

function checkTypeMeta(obj: KubeObject, resource: CreateOnlyResource): void {
  const expected = apiVersionOf(resource.type);
  if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
  }
  if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== resource.type.kind) {
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${resource.type.kind})`);
  }
}

export async function handleCreateOnly(ctx: RequestContext, info: ResourceRequestInfo, resource: CreateOnlyResource): Promise<void> {
  const namespaced = resource.type.namespaced;
  if (info.subresource !== '' || namespaced !== (info.namespace !== '')) throw pathNotFound();
  if (info.verb !== 'create' || info.name !== '') throw methodNotAllowed(ctx.req.method ?? '');
  const { obj, duplicates } = await readObjectBodyWithDuplicates(ctx);
  checkTypeMeta(obj, resource);
  checkBodyFields(ctx, resource.type, obj, duplicates);
  const answer = await resource.create({ user: ctx.user, namespace: info.namespace, body: obj });
  writeJson(ctx.res, 201, answer);
}
