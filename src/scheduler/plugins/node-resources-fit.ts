/**
 * NodeResourcesFit: the pod's requests (see framework/resources.ts) must fit in what the node
 * has left: `status.allocatable` minus the requests of the pods bound or assumed there, for
 * cpu, memory, ephemeral-storage and every extended resource the pod requests; and the node
 * must take one more pod (allocatable `pods`). Each shortfall is one reason, e.g.
 * `Insufficient cpu` or `Too many pods`. Resources the pod does not request are not checked.
 */
import type { ClusterEvent } from '../framework/cluster-event.ts';
import type { FilterPlugin } from '../framework/interface.ts';
import { getScalar } from '../framework/resources.ts';
import type { PluginResult } from '../framework/status.ts';
import { unschedulable } from '../framework/status.ts';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';
export const ERR_REASON_TOO_MANY_PODS = 'Too many pods';

const EVENTS: readonly ClusterEvent[] = ['NodeAdd', 'NodeAllocatableChange', 'AssignedPodDelete'];

export function newNodeResourcesFit(): FilterPlugin {
  return {
    name: NODE_RESOURCES_FIT,
    events: EVENTS,
    filter(_state, pod, node): PluginResult {
      let reasons: string[] | undefined;
      const alloc = node.allocatable;
      const used = node.requested;
      if (node.pods.size + 1 > alloc.pods) (reasons ??= []).push(ERR_REASON_TOO_MANY_PODS);
      const r = pod.requests;
      if (r.milliCPU > 0 && r.milliCPU > alloc.milliCPU - used.milliCPU) (reasons ??= []).push('Insufficient cpu');
      if (r.memory > 0 && r.memory > alloc.memory - used.memory) (reasons ??= []).push('Insufficient memory');
      if (r.ephemeralStorage > 0 && r.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) (reasons ??= []).push('Insufficient ephemeral-storage');
      if (r.scalars !== undefined) {
        for (const [name, v] of r.scalars) {
          if (v > 0 && v > getScalar(alloc, name) - getScalar(used, name)) (reasons ??= []).push(`Insufficient ${name}`);
        }
      }
      return reasons === undefined ? null : unschedulable(...reasons);
    },
  };
}
