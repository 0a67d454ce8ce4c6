/**
 * The status of a PodDisruptionBudget as a pure function of the budget, the pods it selects,
 * the scale of their controllers and the time, with upstream's arithmetic:
 *
 * - `expectedPods` and `desiredHealthy`: with an integer `minAvailable`, the selected pods and
 *   that number; with a percentage `minAvailable`, or with `maxUnavailable`, the sum of the
 *   scales of the pods' controllers, and the percentage of it (rounded up) that must stay, or
 *   what is left after the unavailable share (rounded up) is taken away;
 * - `currentHealthy`: selected pods that are ready, not being deleted, and not recently
 *   evicted (`disruptedPods` entries younger than DELETION_TIMEOUT_MS);
 * - `disruptionsAllowed`: `currentHealthy - desiredHealthy`, at least 0 (0 when nothing is expected);
 * - `disruptedPods` keeps only pods that still exist, are not being deleted, and were evicted
 *   less than DELETION_TIMEOUT_MS ago; the earliest expiry is when to look again.
 */
import { isPodReady } from '../../api/core/v1/pod-conditions.ts';
import { isObject, type JsonObject } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import {
  DISRUPTION_ALLOWED_CONDITION, INSUFFICIENT_PODS_REASON, SUFFICIENT_PODS_REASON, SYNC_FAILED_REASON,
} from '../../api/policy/v1/pod-disruption-budget.ts';
import { setCondition, type Condition } from '../common/conditions.ts';
import { resolveIntOrPercent } from '../common/int-or-percent.ts';
import { parseTime } from '../common/time.ts';

/** How long an accepted eviction keeps its pod out of the healthy count before it is assumed not to happen. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/**
 * The desired scale of the controller of a pod, keyed by the controller's uid so several pods of
 * one controller count it once; undefined when the pod has no controller whose scale is known.
 */
export type ScaleOfPod = (pod: KubeObject) => { readonly uid: string; readonly scale: number } | undefined;

/** What the status computation produced: the status, or why it could not be computed. */
export interface BudgetStatusResult {
  readonly status: JsonObject;
  /** A problem worth an event (the status then allows no disruption, reason SyncFailed). */
  readonly failure?: string;
  /** When an entry of `disruptedPods` expires (ms since the epoch), so the budget is looked at again. */
  readonly recheckAt?: number;
}

/** `expectedPods` and `desiredHealthy`, or why they cannot be known. */
function expectations(pdb: KubeObject, pods: readonly KubeObject[], scaleOf: ScaleOfPod): { expected: number; desired: number } | { failure: string } {
  const spec = isObject(pdb.spec) ? pdb.spec : {};
  const minAvailable: unknown = spec.minAvailable;
  if (typeof minAvailable === 'number') return { expected: pods.length, desired: minAvailable };
  const scales = new Map<string, number>();
  for (const pod of pods) {
    const found = scaleOf(pod);
    if (found === undefined) return { failure: `found no controllers for pod "${pod.metadata.name ?? ''}"` };
    scales.set(found.uid, found.scale);
  }
  const expected = [...scales.values()].reduce((a, b) => a + b, 0);
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    return { expected, desired: Math.max(0, expected - resolveIntOrPercent(spec.maxUnavailable, expected, true)) };
  }
  if (typeof minAvailable === 'string') return { expected, desired: resolveIntOrPercent(minAvailable, expected, true) };
  // Neither set: upstream treats it as maxUnavailable 0 (no voluntary disruption).
  return { expected, desired: expected };
}

/** The entries of `disruptedPods` still pending, and when the earliest of them expires. */
function pendingDisruptions(pdb: KubeObject, pods: readonly KubeObject[], now: number): { pending: Record<string, string>; recheckAt: number | undefined } {
  const recorded: JsonObject = isObject(pdb.status) && isObject(pdb.status.disruptedPods) ? pdb.status.disruptedPods : {};
  const pending: Record<string, string> = {};
  let recheckAt: number | undefined;
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    if (pod.metadata.deletionTimestamp !== undefined || !(name in recorded)) continue;
    const at = parseTime(recorded[name]);
    if (at === undefined || at + DELETION_TIMEOUT_MS <= now) continue;
    pending[name] = recorded[name] as string;
    recheckAt = Math.min(recheckAt ?? Infinity, at + DELETION_TIMEOUT_MS);
  }
  return { pending, recheckAt };
}

function condition(allowed: number, failure: string | undefined, generation: number): Omit<Condition, 'lastTransitionTime' | 'lastUpdateTime'> & { observedGeneration: number } {
  if (failure !== undefined) return { type: DISRUPTION_ALLOWED_CONDITION, status: 'False', reason: SYNC_FAILED_REASON, message: failure, observedGeneration: generation };
  return allowed > 0
    ? { type: DISRUPTION_ALLOWED_CONDITION, status: 'True', reason: SUFFICIENT_PODS_REASON, message: '', observedGeneration: generation }
    : { type: DISRUPTION_ALLOWED_CONDITION, status: 'False', reason: INSUFFICIENT_PODS_REASON, message: '', observedGeneration: generation };
}

/** The budget's status given the pods its selector matches (see the file comment). */
export function computeBudgetStatus(pdb: KubeObject, pods: readonly KubeObject[], scaleOf: ScaleOfPod, now: Date): BudgetStatusResult {
  const generation = pdb.metadata.generation ?? 0;
  const previous = isObject(pdb.status) && Array.isArray(pdb.status.conditions) ? (pdb.status.conditions as Condition[]) : [];
  const { pending, recheckAt } = pendingDisruptions(pdb, pods, now.getTime());
  const currentHealthy = pods.filter((p) => p.metadata.deletionTimestamp === undefined && !((p.metadata.name ?? '') in pending) && isPodReady(p)).length;
  const known = expectations(pdb, pods, scaleOf);
  const failure = 'failure' in known ? known.failure : undefined;
  const expected = 'failure' in known ? 0 : known.expected;
  const desired = 'failure' in known ? 0 : known.desired;
  const allowed = failure !== undefined || expected <= 0 ? 0 : Math.max(0, currentHealthy - desired);
  // The condition names the generation it was computed for even when nothing else about it changed.
  const conditions = setCondition(previous, condition(allowed, failure, generation), now).map((c) =>
    c.type === DISRUPTION_ALLOWED_CONDITION ? { ...c, observedGeneration: generation } : c,
  );
  const status: JsonObject = {
    observedGeneration: generation,
    ...(Object.keys(pending).length > 0 ? { disruptedPods: pending } : {}),
    disruptionsAllowed: allowed,
    currentHealthy,
    desiredHealthy: desired,
    expectedPods: expected,
    conditions,
  };
  return { status, ...(failure === undefined ? {} : { failure }), ...(recheckAt === undefined ? {} : { recheckAt }) };
}
