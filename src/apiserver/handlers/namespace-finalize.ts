/**
 * PUT namespaces/<name>/finalize: the namespace controller removes `kubernetes` from
 * spec.finalizers once the namespace is empty. When nothing is left to wait for, the namespace
 * is removed (the generic store's update completes a pending deletion).
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { badRequest, methodNotAllowed } from '../errors.ts';
import { writeJson } from '../http/respond.ts';
import type { GenericStore } from '../registry/generic-store.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import { parseDryRun, type RequestContext } from './request-context.ts';
import { readObjectBody } from './resource.ts';

export async function handleNamespaceFinalize(ctx: RequestContext, info: ResourceRequestInfo, store: GenericStore): Promise<void> {
  if (info.verb !== 'update') throw methodNotAllowed(ctx.req.method ?? '');
  const body = await readObjectBody(ctx);
  const finalizers = (body.spec as { finalizers?: unknown } | undefined)?.finalizers ?? [];
  if (!Array.isArray(finalizers) || finalizers.some((f) => typeof f !== 'string')) throw badRequest('spec.finalizers must be a list of strings');
  const dryRun = parseDryRun(ctx.url.searchParams.getAll('dryRun'));
  const updated = await store.guaranteedUpdate('', info.name, 'system', { dryRun }, undefined, (ns: KubeObject) => {
    ns.spec = { ...(ns.spec ?? {}), finalizers };
    return ns;
  });
  writeJson(ctx.res, 200, updated);
}
