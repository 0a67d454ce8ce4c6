/**
 * POST pods/<name>/eviction (policy/v1 Eviction, JSON or protobuf): deletes a pod unless that
 * would break its PodDisruptionBudget, which is how `kubectl drain` empties a node. The rules
 * are in src/api/policy/v1/eviction.ts; this handler reads the pod and the budgets, takes a
 * disruption from the budget with a compare-and-swap status write (retried on conflict by the
 * store), marks the pod with a DisruptionTarget condition and deletes it with the Eviction's
 * deleteOptions. Answers 201 with a Success Status; 429 TooManyRequests (no Retry-After, so
 * clients such as kubectl drain retry at their own pace) when the budget allows no disruption.
 */
import { isObject } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import {
  budgetSelects, BUDGET_VIOLATED_MESSAGE, canIgnoreBudgets, DISRUPTION_BUDGET_CAUSE, EVICTION_KIND, MULTIPLE_BUDGETS_MESSAGE, mustPinResourceVersion,
  STALE_BUDGET_RETRY_SECONDS, takeDisruption, unhealthyPodMayGo, type BudgetRefusal,
} from '../../api/policy/v1/eviction.ts';
import { podDisruptionBudgetType } from '../../api/policy/v1/pod-disruption-budget.ts';
import { ApiError, badRequest, conflict, forbidden, isConflictError, methodNotAllowed, timeout } from '../errors.ts';
import { successStatus, writeJson } from '../http/respond.ts';
import { formatTimestamp, type GenericStore } from '../registry/generic-store.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import { listOptions } from '../system-objects.ts';
import { parseDeleteOptions, type ParsedDeleteOptions } from './delete-options.ts';
import type { RequestContext } from './request-context.ts';
import { readObjectBody } from './resource.ts';

const ACCEPTED_VERSIONS = ['', 'policy/v1', 'policy/v1beta1'];
/** Attempts at deleting a pod whose resourceVersion was pinned, when it keeps changing underneath. */
const MAX_PINNED_ATTEMPTS = 5;

/** The ApiError a budget's refusal becomes. */
export function refusalError(pdb: KubeObject, refusal: BudgetRefusal): ApiError {
  const name = pdb.metadata.name ?? '';
  if (refusal.kind === 'forbidden') {
    return forbidden(`poddisruptionbudget.policy "${name}" is forbidden: ${refusal.message}`, { name, group: 'policy', kind: 'poddisruptionbudget' });
  }
  const details = { causes: [{ reason: DISRUPTION_BUDGET_CAUSE, message: refusal.cause }], ...(refusal.retryAfterSeconds > 0 ? { retryAfterSeconds: refusal.retryAfterSeconds } : {}) };
  const headers: Record<string, string> = refusal.retryAfterSeconds > 0 ? { 'Retry-After': String(refusal.retryAfterSeconds) } : {};
  return new ApiError(429, 'TooManyRequests', BUDGET_VIOLATED_MESSAGE, details, headers);
}

function staleBudgetError(pdbName: string): ApiError {
  return refusalError({ metadata: { name: pdbName } }, { kind: 'tooManyRequests', cause: `The disruption budget ${pdbName} is still being processed by the server.`, retryAfterSeconds: STALE_BUDGET_RETRY_SECONDS });
}

async function readEviction(ctx: RequestContext, podName: string): Promise<ParsedDeleteOptions> {
  const eviction = await readObjectBody(ctx);
  if (!ACCEPTED_VERSIONS.includes(eviction.apiVersion ?? '')) {
    throw badRequest(`the API version in the data (${eviction.apiVersion}) does not match the expected API version (policy/v1)`);
  }
  if ((eviction.kind ?? '') !== '' && eviction.kind !== EVICTION_KIND) throw badRequest(`the kind in the data (${eviction.kind}) does not match the expected kind (${EVICTION_KIND})`);
  const name = eviction.metadata.name ?? '';
  if (name !== '' && name !== podName) throw badRequest('name in URL does not match name in Eviction object');
  const raw: unknown = eviction['deleteOptions'];
  if (raw !== undefined && raw !== null && !isObject(raw)) throw badRequest('deleteOptions must be an object');
  return parseDeleteOptions(isObject(raw) ? raw : {}, ctx.url.searchParams);
}

/** `options` with the pod's resourceVersion as a precondition, unless the client gave one. */
function pinned(options: ParsedDeleteOptions, pod: KubeObject): ParsedDeleteOptions {
  if (options.preconditions?.resourceVersion !== undefined) return options;
  return { ...options, preconditions: { ...options.preconditions, resourceVersion: pod.metadata.resourceVersion ?? '' } };
}

/**
 * Marks the pod `DisruptionTarget` (EvictionByEvictionAPI), honouring the preconditions, then
 * deletes it. A resourceVersion precondition moves to the version the condition wrote.
 */
async function markAndDelete(pods: GenericStore, namespace: string, name: string, options: ParsedDeleteOptions): Promise<void> {
  let opts = options;
  if (!options.dryRun) {
    const pre = options.preconditions;
    const marked = await pods.guaranteedUpdate(namespace, name, 'status', { dryRun: false }, undefined, (pod) => {
      if (pre?.uid !== undefined && pre.uid !== pod.metadata.uid) {
        throw conflict(pods.strategy.type, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${pod.metadata.uid}`);
      }
      if (pre?.resourceVersion !== undefined && pre.resourceVersion !== pod.metadata.resourceVersion) {
        throw conflict(pods.strategy.type, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${pod.metadata.resourceVersion}`);
      }
      const status = isObject(pod.status) ? pod.status : {};
      const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c: unknown) => !(isObject(c) && c.type === 'DisruptionTarget'));
      const previous = (Array.isArray(status.conditions) ? status.conditions : []).find((c: unknown) => isObject(c) && c.type === 'DisruptionTarget');
      const since = isObject(previous) && previous.status === 'True' && typeof previous.lastTransitionTime === 'string' ? previous.lastTransitionTime : formatTimestamp(new Date());
      conditions.push({ type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: since, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
      pod.status = { ...status, conditions };
      return pod;
    });
    if (pre?.resourceVersion !== undefined) opts = { ...options, preconditions: { ...pre, resourceVersion: marked.metadata.resourceVersion ?? '' } };
  }
  await pods.delete(namespace, name, opts);
}

/** Takes one disruption from `pdb` for the pod (compare-and-swap on the budget's status), or throws the refusal. */
async function takeFromBudget(budgets: GenericStore, pdb: KubeObject, podName: string, dryRun: boolean): Promise<void> {
  const namespace = pdb.metadata.namespace ?? '';
  const name = pdb.metadata.name ?? '';
  try {
    await budgets.guaranteedUpdate(namespace, name, 'status', { dryRun }, undefined, (current) => {
      const decision = takeDisruption(current, podName, formatTimestamp(new Date()));
      if (!decision.allowed) throw refusalError(current, decision.refusal);
      current.status = decision.status;
      return current;
    });
  } catch (err) {
    // The store retries lost races itself; one that keeps losing them gives up with a 409.
    if (isConflictError(err)) throw timeout(`couldn't update PodDisruptionBudget "${name}" due to conflicts`, 10);
    throw err;
  }
}

export async function handlePodEviction(ctx: RequestContext, info: ResourceRequestInfo, pods: GenericStore, namespace: string): Promise<void> {
  if (info.verb !== 'create') throw methodNotAllowed(ctx.req.method ?? '');
  const options = await readEviction(ctx, info.name);
  const clientPinned = options.preconditions?.resourceVersion !== undefined;

  // Pods that disrupt nothing more go at once (pinned, so a Pending pod does not turn ready meanwhile).
  let pod = await pods.get(namespace, info.name);
  for (let attempt = 1; canIgnoreBudgets(pod); attempt++) {
    try {
      await markAndDelete(pods, namespace, info.name, mustPinResourceVersion(pod) ? pinned(options, pod) : options);
      return writeJson(ctx.res, 201, { ...successStatus(undefined), code: 201 });
    } catch (err) {
      if (!isConflictError(err) || clientPinned || attempt >= MAX_PINNED_ATTEMPTS) throw err;
    }
    pod = await pods.get(namespace, info.name);
  }

  const budgets = ctx.registry.lookup(podDisruptionBudgetType.group, podDisruptionBudgetType.version, podDisruptionBudgetType.resource)?.store;
  const matching = budgets === undefined ? [] : (await budgets.list(namespace, listOptions())).items.filter((pdb) => budgetSelects(pdb, pod));
  if (matching.length > 1) throw new ApiError(500, 'InternalError', MULTIPLE_BUDGETS_MESSAGE);
  const pdb = matching[0];
  let deleteOptions = options;
  if (pdb !== undefined && budgets !== undefined) {
    // An unready pod that may go without taking from the budget is pinned: it must not turn ready first.
    if (unhealthyPodMayGo(pdb, pod)) deleteOptions = pinned(options, pod);
    else await takeFromBudget(budgets, pdb, info.name, options.dryRun);
  }
  try {
    await markAndDelete(pods, namespace, info.name, deleteOptions);
  } catch (err) {
    if (isConflictError(err) && deleteOptions !== options && !clientPinned) throw staleBudgetError(pdb?.metadata.name ?? '');
    throw err;
  }
  writeJson(ctx.res, 201, { ...successStatus(undefined), code: 201 });
}
