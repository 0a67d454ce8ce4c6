/**
 * NodeUnschedulable: cordoned nodes (`spec.unschedulable: true`) take no new pods, unless the
 * pod tolerates the `node.kubernetes.io/unschedulable:NoSchedule` taint that stands for it
 * (DaemonSet pods do).
 */
import { TAINT_UNSCHEDULABLE, type Taint } from '../../api/core/v1/taints.ts';
import { tolerated } from '../framework/tolerations.ts';
import type { ClusterEvent } from '../framework/cluster-event.ts';
import type { FilterPlugin } from '../framework/interface.ts';
import type { PluginResult } from '../framework/status.ts';
import { unresolvable } from '../framework/status.ts';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const UNSCHEDULABLE_TAINT: Taint = { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' };
const EVENTS: readonly ClusterEvent[] = ['NodeAdd', 'NodeSpecUnschedulableChange', 'NodeTaintChange'];

export function newNodeUnschedulable(): FilterPlugin {
  return {
    name: NODE_UNSCHEDULABLE,
    events: EVENTS,
    filter(_state, pod, node): PluginResult {
      if (!node.unschedulable) return null;
      return tolerated(pod.tolerations, UNSCHEDULABLE_TAINT) ? null : unresolvable(ERR_REASON_UNSCHEDULABLE);
    },
  };
}
