/**
 * NodeReadiness: pods go only to nodes whose Ready condition is True. A node that is not ready
 * is treated as if it carried the taint the node lifecycle controller puts on it
 * (`node.kubernetes.io/not-ready:NoSchedule` for Ready=False, `node.kubernetes.io/unreachable:NoSchedule`
 * for Unknown or no condition), so pods that tolerate that taint may still go there. This
 * keeps pods off a node in the window before its taint is set (or when no controller sets it).
 */
import { TAINT_NOT_READY, TAINT_UNREACHABLE, type Taint } from '../../api/core/v1/taints.ts';
import { tolerated } from '../framework/tolerations.ts';
import type { ClusterEvent } from '../framework/cluster-event.ts';
import type { FilterPlugin } from '../framework/interface.ts';
import type { PluginResult } from '../framework/status.ts';
import { unresolvable } from '../framework/status.ts';

export const NODE_READINESS = 'NodeReadiness';
export const ERR_REASON_NOT_READY = 'node(s) were not ready';

const NOT_READY: Taint = { key: TAINT_NOT_READY, effect: 'NoSchedule' };
const UNREACHABLE: Taint = { key: TAINT_UNREACHABLE, effect: 'NoSchedule' };
const EVENTS: readonly ClusterEvent[] = ['NodeAdd', 'NodeConditionChange'];

export function newNodeReadiness(): FilterPlugin {
  return {
    name: NODE_READINESS,
    events: EVENTS,
    filter(_state, pod, node): PluginResult {
      if (node.ready === 'True') return null;
      const taint = node.ready === 'False' ? NOT_READY : UNREACHABLE;
      return tolerated(pod.tolerations, taint) ? null : unresolvable(ERR_REASON_NOT_READY);
    },
  };
}
