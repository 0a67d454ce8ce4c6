/**
 * The scale subresource: an autoscaling/v1 Scale view of a workload's replicas. GET builds it;
 * PUT and PATCH (kubectl scale sends a merge patch) change spec.replicas through the parent.
 * The Scale a PUT sends, or a patch yields, is checked like any body (JSON types, fields).
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { badRequest, invalid, methodNotAllowed, modifiedConflict } from '../errors.ts';
import { writeJson } from '../http/respond.ts';
import type { GenericStore } from '../registry/generic-store.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import { updateTracker } from './field-ownership.ts';
import { applyParsedPatch, parsePatch } from './patch.ts';
import { readBody } from '../http/request-body.ts';
import { addWarnings } from '../http/respond.ts';
import { openApiCatalog } from '../openapi-catalog.ts';
import { checkBodyFields, validateFields } from './field-validation.ts';
import { parseDryRun, parseFieldValidation, type RequestContext } from './request-context.ts';
import { readObjectBodyWithDuplicates } from './resource.ts';

const SCALE = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

/** The Scale object of a workload. */
export function scaleOf(store: GenericStore, obj: KubeObject): KubeObject {
  const mapping = store.strategy.scale!;
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name!,
      namespace: m.namespace!,
      uid: m.uid!,
      resourceVersion: m.resourceVersion!,
      creationTimestamp: m.creationTimestamp!,
    },
    spec: { replicas: mapping.specReplicas(obj) },
    status: { replicas: mapping.statusReplicas(obj), selector: mapping.selector(obj) },
  };
}

export async function handleScale(ctx: RequestContext, info: ResourceRequestInfo, store: GenericStore, namespace: string): Promise<void> {
  const mapping = store.strategy.scale!;
  if (info.verb === 'get') return writeJson(ctx.res, 200, scaleOf(store, await store.get(namespace, info.name)));
  if (info.verb !== 'update' && info.verb !== 'patch') throw methodNotAllowed(ctx.req.method ?? '');
  const dryRun = parseDryRun(ctx.url.searchParams.getAll('dryRun'));
  const trackFields = updateTracker(ctx, store, 'scale', info.verb === 'update' ? 'UpdateOptions' : 'PatchOptions');
  let putBody: KubeObject | undefined;
  if (info.verb === 'update') {
    const { obj, duplicates } = await readObjectBodyWithDuplicates(ctx);
    checkBodyFields(ctx, SCALE, obj, duplicates);
    putBody = obj;
  }
  const patch = info.verb === 'patch' ? parsePatch(ctx.req.headers['content-type'] ?? '', await readBody(ctx.req)) : undefined;
  const catalog = openApiCatalog(ctx.registry);
  let warnings: string[] = [];
  const updated = await store.guaranteedUpdate(namespace, info.name, 'main', { dryRun, trackFields, user: ctx.user }, undefined, (current) => {
    const scale = scaleOf(store, current);
    let next: KubeObject;
    if (putBody !== undefined) {
      if (putBody.kind !== undefined && putBody.kind !== 'Scale') throw badRequest(`expected a Scale, got kind "${putBody.kind}"`);
      next = putBody;
    } else {
      next = applyParsedPatch(store, patch!, scale, undefined);
      warnings = validateFields(parseFieldValidation(ctx.url.searchParams), next, patch!.duplicates, catalog, SCALE);
    }
    const rv = next.metadata?.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion) throw modifiedConflict(store.strategy.type, info.name);
    const replicas = (next.spec as { replicas?: unknown } | undefined)?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('autoscaling', 'Scale', info.name, [
        { type: 'FieldValueInvalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' },
      ]);
    }
    mapping.setSpecReplicas(current, replicas);
    return current;
  });
  addWarnings(ctx.res, warnings);
  writeJson(ctx.res, 200, scaleOf(store, updated));
}
