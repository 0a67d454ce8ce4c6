/**
 * NodeResourcesLeastAllocated (upstream: NodeResourcesFit's default LeastAllocated scoring):
 * prefers nodes with the most room left. Per resource (cpu and memory, equal weights) the score
 * is `(allocatable - requested) * 100 / allocatable`, where requested counts the node's pods and
 * this pod with the scoring defaults for missing requests (100m cpu, 200Mi memory), so pods
 * without requests still spread. The node's score is the weighted mean.
 */
import type { ScorePlugin } from '../framework/interface.ts';
import { MAX_NODE_SCORE } from '../framework/interface.ts';

export const NODE_RESOURCES_LEAST_ALLOCATED = 'NodeResourcesLeastAllocated';

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export function newNodeResourcesLeastAllocated(): ScorePlugin {
  return {
    name: NODE_RESOURCES_LEAST_ALLOCATED,
    events: [],
    score(_state, pod, node) {
      const alloc = node.allocatable;
      const cpu = leastRequested(node.nonZeroRequested.milliCPU + pod.nonZeroRequests.milliCPU, alloc.milliCPU);
      const memory = leastRequested(node.nonZeroRequested.memory + pod.nonZeroRequests.memory, alloc.memory);
      return Math.trunc((cpu + memory) / 2);
    },
  };
}
