/**
 * POST pods/<name>/binding: how a scheduler assigns a pod to a node. Sets spec.nodeName once
 * (409 if the pod is already assigned) and records the PodScheduled condition, in one write.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { badRequest, conflict, methodNotAllowed } from '../errors.ts';
import { successStatus, writeJson } from '../http/respond.ts';
import { formatTimestamp, type GenericStore } from '../registry/generic-store.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import { parseDryRun, type RequestContext } from './request-context.ts';
import { readObjectBody } from './resource.ts';

export async function handlePodBinding(ctx: RequestContext, info: ResourceRequestInfo, store: GenericStore, namespace: string): Promise<void> {
  if (info.verb !== 'create') throw methodNotAllowed(ctx.req.method ?? '');
  const binding = await readObjectBody(ctx);
  if (binding.kind !== undefined && binding.kind !== 'Binding') throw badRequest(`expected a Binding, got kind "${binding.kind}"`);
  const target = binding['target'] as { name?: unknown; kind?: unknown } | undefined;
  if (typeof target?.name !== 'string' || target.name === '') throw badRequest('binding.target.name is required');
  const nodeName = target.name;
  if (binding.metadata.name !== undefined && binding.metadata.name !== info.name) {
    throw badRequest(`the name of the binding (${binding.metadata.name}) does not match the pod (${info.name})`);
  }
  const dryRun = parseDryRun(ctx.url.searchParams.getAll('dryRun'));
  await store.guaranteedUpdate(namespace, info.name, 'system', { dryRun }, undefined, (pod: KubeObject) => {
    if (pod.metadata.deletionTimestamp !== undefined) throw conflict(store.strategy.type, info.name, 'pod is being deleted, cannot be assigned to a host');
    const assigned = pod.spec?.nodeName;
    if (typeof assigned === 'string' && assigned !== '') {
      throw conflict(store.strategy.type, info.name, `pod ${info.name} is already assigned to node "${assigned}"`);
    }
    pod.spec = { ...(pod.spec ?? {}), nodeName };
    const status = (pod.status ?? {}) as { conditions?: Array<Record<string, unknown>> };
    const conditions = (status.conditions ?? []).filter((c) => c['type'] !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: formatTimestamp(new Date()) });
    pod.status = { ...status, conditions };
    return pod;
  });
  writeJson(ctx.res, 201, { ...successStatus(undefined), code: 201 });
}
