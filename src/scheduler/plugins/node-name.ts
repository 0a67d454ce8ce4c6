/**
 * NodeName: a pod that names its node in `spec.nodeName` fits only that node. (Such pods are
 * normally bound already and never reach the scheduler; this keeps the rule explicit.)
 */
import type { ClusterEvent } from '../framework/cluster-event.ts';
import type { FilterPlugin } from '../framework/interface.ts';
import type { PluginResult } from '../framework/status.ts';
import { unresolvable } from '../framework/status.ts';

export const NODE_NAME = 'NodeName';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

const EVENTS: readonly ClusterEvent[] = ['NodeAdd'];

export function newNodeName(): FilterPlugin {
  return {
    name: NODE_NAME,
    events: EVENTS,
    filter(_state, pod, node): PluginResult {
      return pod.nodeName === '' || pod.nodeName === node.name ? null : unresolvable(ERR_REASON_NODE_NAME);
    },
  };
}
