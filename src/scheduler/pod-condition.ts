/**
 * Writes the outcome of a failed scheduling attempt onto the pod: the `PodScheduled=False`
 * condition with its reason (`Unschedulable`, `SchedulerError`) and message, and the node
 * preemption nominated (or its removal), through a strategic merge patch of `pods/status`
 * (conditions merge by type, so other conditions are left alone). Nothing is written when the
 * pod already says exactly that, so a pod retried every few seconds does not churn.
 */
import { podType } from '../api/core/v1/pod.ts';
import { isObject, objects, str } from '../api/meta/shape.ts';
import type { KubeObject } from '../api/meta/types.ts';
import type { Clientset, Clock } from '../client/index.ts';

export interface UnschedulableCondition {
  reason: 'Unschedulable' | 'SchedulerError';
  message: string;
  /** The node to nominate; '' clears a nomination; undefined leaves it as it is. */
  nominatedNodeName: string | undefined;
  clock: Clock;
  signal: AbortSignal;
}

/** metav1.Time: RFC 3339 in whole seconds. */
function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * Patches `pod`'s status (see the file comment).
 * @returns whether a write was made
 */
export async function patchUnschedulableCondition(clientset: Clientset, pod: KubeObject, c: UnschedulableCondition): Promise<boolean> {
  const status = isObject(pod.status) ? pod.status : {};
  const current = objects(status.conditions).find((x) => x.type === 'PodScheduled');
  const nominate = c.nominatedNodeName !== undefined && c.nominatedNodeName !== str(status.nominatedNodeName);
  if (current?.status === 'False' && current.reason === c.reason && current.message === c.message && !nominate) return false;
  const condition = {
    type: 'PodScheduled',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: current?.status === 'False' && typeof current.lastTransitionTime === 'string' ? current.lastTransitionTime : timestamp(c.clock.wallNow()),
    reason: c.reason,
    message: c.message,
  };
  const patch: { status: Record<string, unknown> } = { status: { conditions: [condition] } };
  if (nominate) patch.status.nominatedNodeName = c.nominatedNodeName === '' ? null : c.nominatedNodeName;
  await clientset.resource(podType).patch(pod.metadata.name ?? '', patch, { namespace: pod.metadata.namespace, subresource: 'status', type: 'strategic', signal: c.signal });
  return true;
}
