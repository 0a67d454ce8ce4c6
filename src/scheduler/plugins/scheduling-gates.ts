/**
 * SchedulingGates: a pod with `spec.schedulingGates` is not scheduled until every gate is
 * removed (the apiserver already shows it as PodScheduled=False/SchedulingGated). Removing a
 * gate is a pod update, which brings the pod back to the queue.
 */
import type { PreEnqueuePlugin } from '../framework/interface.ts';
import type { PluginResult } from '../framework/status.ts';
import { unresolvable } from '../framework/status.ts';

export const SCHEDULING_GATES = 'SchedulingGates';

export function newSchedulingGates(): PreEnqueuePlugin {
  return {
    name: SCHEDULING_GATES,
    events: [],
    preEnqueue(pod): PluginResult {
      return pod.schedulingGates.length === 0 ? null : unresolvable(`waiting for scheduling gates: [${pod.schedulingGates.join(' ')}]`);
    },
  };
}
