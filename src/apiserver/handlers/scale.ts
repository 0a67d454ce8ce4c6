/**
 * The scale subresource: an autoscaling/v1 Scale view of a workload's replicas. GET builds it;
 * PUT and PATCH (kubectl scale sends a merge patch) change spec.replicas through the parent.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { badRequest, invalid, methodNotAllowed, modifiedConflict } from '../errors.ts';
import { writeJson } from '../http/respond.ts';
import type { GenericStore } from '../registry/generic-store.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import { updateTracker } from './field-ownership.ts';
import { applyPatch } from './patch.ts';
import { readBody } from '../http/request-body.ts';
import { parseDryRun, type RequestContext } from './request-context.ts';
import { readObjectBody } from './resource.ts';

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
  const putBody = info.verb === 'update' ? await readObjectBody(ctx) : undefined;
  const patchBody = info.verb === 'patch' ? await readBody(ctx.req) : undefined;
  const updated = await store.guaranteedUpdate(namespace, info.name, 'main', { dryRun, trackFields }, undefined, (current) => {
    const scale = scaleOf(store, current);
    let next: KubeObject;
    if (putBody !== undefined) {
      if (putBody.kind !== undefined && putBody.kind !== 'Scale') throw badRequest(`expected a Scale, got kind "${putBody.kind}"`);
      next = putBody;
    } else {
      next = applyPatch(store, ctx.req.headers['content-type'] ?? '', patchBody!, scale);
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
  writeJson(ctx.res, 200, scaleOf(store, updated));
}
