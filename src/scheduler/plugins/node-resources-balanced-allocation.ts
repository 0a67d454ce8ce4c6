/**
 * NodeResourcesBalancedAllocation: prefers nodes where, with this pod, cpu and memory would be
 * used in similar proportions, so neither runs out while the other idles. The score is
 * `(1 - standard deviation of the used fractions) * 100`, each fraction capped at 1 and a
 * resource the node has none of left out; requests are counted as given (no scoring
 * defaults), and pods that request neither cpu nor memory are not scored, as upstream does.
 */
import type { PreScorePlugin, ScorePlugin } from '../framework/interface.ts';
import { MAX_NODE_SCORE } from '../framework/interface.ts';
import { SKIP } from '../framework/status.ts';

export const NODE_RESOURCES_BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';

export function newNodeResourcesBalancedAllocation(): PreScorePlugin & ScorePlugin {
  return {
    name: NODE_RESOURCES_BALANCED_ALLOCATION,
    events: [],
    preScore(_state, pod) {
      return pod.requests.milliCPU === 0 && pod.requests.memory === 0 ? SKIP : null;
    },
    score(_state, pod, node) {
      const alloc = node.allocatable;
      if (alloc.milliCPU === 0 || alloc.memory === 0) return MAX_NODE_SCORE;
      const cpu = Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / alloc.milliCPU);
      const memory = Math.min(1, (node.requested.memory + pod.requests.memory) / alloc.memory);
      // With two resources the standard deviation is half their difference.
      const std = Math.abs(cpu - memory) / 2;
      return Math.trunc((1 - std) * MAX_NODE_SCORE);
    },
  };
}
