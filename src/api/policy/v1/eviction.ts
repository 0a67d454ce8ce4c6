/**
 * The decisions of the pods/eviction subresource, as pure functions of the pod and its
 * disruption budgets (the handler, src/apiserver/handlers/pod-eviction.ts, does the reads and
 * writes). Rules and messages follow upstream's eviction REST:
 *
 * - pods that are finished, Pending, or already being deleted are deleted without consulting
 *   any budget (they disrupt nothing more);
 * - a pod covered by more than one budget cannot be evicted (500);
 * - a pod that is not ready is deleted without taking from the budget when the budget's
 *   `unhealthyPodEvictionPolicy` is AlwaysAllow, or (IfHealthyBudget, the default) when the
 *   budget currently holds (`currentHealthy >= desiredHealthy > 0`);
 * - otherwise the budget must have been processed for its current generation and allow a
 *   disruption: the eviction takes one (`disruptionsAllowed - 1`) and records the pod in
 *   `disruptedPods`, so the controller does not count it as healthy until it sees it go.
 */
import { isPodReady } from '../../core/v1/pod-conditions.ts';
import { labelSelectorMatches, SelectorParseError, type LabelSelector } from '../../labels/index.ts';
import { isObject, type JsonObject } from '../../meta/shape.ts';
import type { KubeObject } from '../../meta/types.ts';
import { ALWAYS_ALLOW, DISRUPTION_ALLOWED_CONDITION, INSUFFICIENT_PODS_REASON } from './pod-disruption-budget.ts';

export const EVICTION_KIND = 'Eviction';
/** The `type` of the StatusCause a refused eviction carries. */
export const DISRUPTION_BUDGET_CAUSE = 'DisruptionBudget';
export const BUDGET_VIOLATED_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";
export const MULTIPLE_BUDGETS_MESSAGE = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';
/** Upstream's cap on `status.disruptedPods`: past it evictions wait for the controller to catch up. */
export const MAX_DISRUPTED_PODS = 2000;
/** Seconds a client is asked to wait while a budget's status is stale. */
export const STALE_BUDGET_RETRY_SECONDS = 10;

/** Whether the budget's selector selects the pod (a missing or invalid selector selects nothing; `{}` selects all). */
export function budgetSelects(pdb: KubeObject, pod: KubeObject): boolean {
  if (pdb.metadata.namespace !== pod.metadata.namespace) return false;
  const selector: unknown = isObject(pdb.spec) ? pdb.spec.selector : undefined;
  try {
    return labelSelectorMatches(selector as LabelSelector | null | undefined, pod.metadata.labels);
  } catch (err) {
    if (err instanceof SelectorParseError) return false;
    throw err;
  }
}

/** Finished, Pending, or already being deleted: deleting it disrupts nothing the budgets guard. */
export function canIgnoreBudgets(pod: KubeObject): boolean {
  const phase: unknown = isObject(pod.status) ? pod.status.phase : undefined;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp !== undefined;
}

/**
 * Whether a delete without budget must pin the pod's resourceVersion, so that the pod does not
 * become ready (and guarded) between the decision and the delete. Not for finished or
 * terminating pods.
 */
export function mustPinResourceVersion(pod: KubeObject): boolean {
  const phase: unknown = isObject(pod.status) ? pod.status.phase : undefined;
  return phase !== 'Succeeded' && phase !== 'Failed' && pod.metadata.deletionTimestamp === undefined;
}

function statusOf(pdb: KubeObject): JsonObject {
  return isObject(pdb.status) ? pdb.status : {};
}

function count(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** A pod that is not ready may go without taking from the budget (see the file comment). */
export function unhealthyPodMayGo(pdb: KubeObject, pod: KubeObject): boolean {
  if (isPodReady(pod)) return false;
  const policy: unknown = isObject(pdb.spec) ? pdb.spec.unhealthyPodEvictionPolicy : undefined;
  if (policy === ALWAYS_ALLOW) return true;
  const status = statusOf(pdb);
  const desired = count(status.desiredHealthy);
  return count(status.currentHealthy) >= desired && desired > 0;
}

/** Why a budget refuses an eviction: the HTTP status, and the cause message for 429s. */
export type BudgetRefusal =
  | { readonly kind: 'tooManyRequests'; readonly cause: string; readonly retryAfterSeconds: number }
  | { readonly kind: 'forbidden'; readonly message: string };

/** The budget after taking one disruption for `podName`, or why it cannot. */
export type BudgetDecision = { readonly allowed: true; readonly status: JsonObject } | { readonly allowed: false; readonly refusal: BudgetRefusal };

/**
 * Checks that `pdb` allows one more disruption and, if so, returns its status with one fewer
 * allowed and `podName` recorded in `disruptedPods` at `now` (an RFC 3339 time). When the last
 * allowed disruption goes, the DisruptionAllowed condition turns False at once, as upstream.
 */
export function takeDisruption(pdb: KubeObject, podName: string, now: string): BudgetDecision {
  const status = statusOf(pdb);
  const name = pdb.metadata.name ?? '';
  if (count(status.observedGeneration) < (pdb.metadata.generation ?? 0)) {
    return { allowed: false, refusal: { kind: 'tooManyRequests', cause: `The disruption budget ${name} is still being processed by the server.`, retryAfterSeconds: STALE_BUDGET_RETRY_SECONDS } };
  }
  const allowed = count(status.disruptionsAllowed);
  if (allowed < 0) return { allowed: false, refusal: { kind: 'forbidden', message: 'pdb disruptions allowed is negative' } };
  const disrupted = isObject(status.disruptedPods) ? status.disruptedPods : {};
  if (Object.keys(disrupted).length > MAX_DISRUPTED_PODS) {
    return { allowed: false, refusal: { kind: 'forbidden', message: 'DisruptedPods map too big - too many evictions not confirmed by PDB controller' } };
  }
  if (allowed === 0) {
    const cause = `The disruption budget ${name} needs ${count(status.desiredHealthy)} healthy pods and has ${count(status.currentHealthy)} currently`;
    return { allowed: false, refusal: { kind: 'tooManyRequests', cause, retryAfterSeconds: 0 } };
  }
  const next: JsonObject = { ...structuredClone(status), disruptionsAllowed: allowed - 1, disruptedPods: { ...disrupted, [podName]: now } };
  if (allowed - 1 === 0 && Array.isArray(next.conditions)) {
    next.conditions = next.conditions.map((c: JsonObject) =>
      c.type === DISRUPTION_ALLOWED_CONDITION && c.status !== 'False'
        ? { ...c, status: 'False', reason: INSUFFICIENT_PODS_REASON, message: '', lastTransitionTime: now, observedGeneration: pdb.metadata.generation ?? c.observedGeneration }
        : c,
    );
  }
  return { allowed: true, status: next };
}
