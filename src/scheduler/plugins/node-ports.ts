/**
 * NodePorts: a pod asking for a host port (`containers[].ports[].hostPort`) fits only nodes
 * where no pod already holds that protocol and port on the same host IP (or on every address,
 * 0.0.0.0, which collides with any host IP).
 */
import type { ClusterEvent } from '../framework/cluster-event.ts';
import type { FilterPlugin, PreFilterPlugin } from '../framework/interface.ts';
import type { PluginResult } from '../framework/status.ts';
import { SKIP, unschedulable } from '../framework/status.ts';

export const NODE_PORTS = 'NodePorts';
export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

const EVENTS: readonly ClusterEvent[] = ['NodeAdd', 'AssignedPodDelete'];

export function newNodePorts(): PreFilterPlugin & FilterPlugin {
  return {
    name: NODE_PORTS,
    events: EVENTS,
    preFilter(_state, pod) {
      return pod.hostPorts.length === 0 ? SKIP : null;
    },
    filter(_state, pod, node): PluginResult {
      if (node.usedPorts.size === 0) return null;
      for (const p of pod.hostPorts) if (node.usedPorts.conflicts(p)) return unschedulable(ERR_REASON_PORTS);
      return null;
    },
  };
}
