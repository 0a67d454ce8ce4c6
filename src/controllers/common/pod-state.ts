/**
 * Reading a pod's state the way the workload controllers do: active (counts toward replicas),
 * ready (Ready condition True), available (ready for at least minReadySeconds).
 */
import { isPodReady, podCondition } from '../../api/core/v1/pod-conditions.ts';
import { isObject, str } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';

/** `status.phase`, '' when unset. */
export function podPhase(pod: KubeObject): string {
  return isObject(pod.status) ? str(pod.status.phase) : '';
}

/** Whether the pod has finished for good (Succeeded or Failed). */
export function isPodFinished(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Whether deletion of the pod has started. */
export function isPodTerminating(pod: KubeObject): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

/** Not finished and not being deleted: the pods that count toward a workload's replicas. */
export function isPodActive(pod: KubeObject): boolean {
  return !isPodFinished(pod) && !isPodTerminating(pod);
}

export { isPodReady, podCondition };

/** When the pod became ready (the Ready condition's lastTransitionTime), in ms since the epoch. */
function readySince(pod: KubeObject): number | undefined {
  const cond = podCondition(pod, 'Ready');
  if (cond?.status !== 'True') return undefined;
  const t = Date.parse(str(cond.lastTransitionTime));
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Milliseconds until a ready pod becomes available (0 when it is; undefined when it is not
 * ready). A ready pod without a transition time counts as available at once.
 */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, now: Date): number | undefined {
  if (!isPodReady(pod)) return undefined;
  if (minReadySeconds <= 0) return 0;
  const since = readySince(pod);
  if (since === undefined) return 0;
  return Math.max(0, since + minReadySeconds * 1000 - now.getTime());
}

/** Ready for at least `minReadySeconds` (upstream's IsPodAvailable). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: Date): boolean {
  return msUntilAvailable(pod, minReadySeconds, now) === 0;
}

/** The node the pod is bound to, '' when unscheduled. */
export function podNodeName(pod: KubeObject): string {
  return isObject(pod.spec) ? str(pod.spec.nodeName) : '';
}
