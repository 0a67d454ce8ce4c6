/**
 * NodeAffinity: a pod fits only nodes that carry every label of its `spec.nodeSelector` and
 * match its required node affinity (`requiredDuringSchedulingIgnoredDuringExecution`: any of
 * the nodeSelectorTerms). When every term pins `metadata.name`, PreFilter narrows the nodes to
 * those names, so DaemonSet-style pods are not checked against every node. Preferred terms add
 * their weight to the nodes they match.
 */
import type { ClusterEvent } from '../framework/cluster-event.ts';
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interface.ts';
import { defaultNormalizeScore } from '../framework/normalize-score.ts';
import type { PluginResult } from '../framework/status.ts';
import { SKIP, unresolvable } from '../framework/status.ts';

export const NODE_AFFINITY = 'NodeAffinity';
export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

const EVENTS: readonly ClusterEvent[] = ['NodeAdd', 'NodeLabelChange'];

export function newNodeAffinity(): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  return {
    name: NODE_AFFINITY,
    events: EVENTS,
    preFilter(_state, pod) {
      if (pod.nodeSelector === undefined && pod.requiredNodeAffinity === undefined) return SKIP;
      return pod.pinnedNodeNames === undefined ? null : { nodeNames: pod.pinnedNodeNames };
    },
    filter(_state, pod, node): PluginResult {
      if (pod.nodeSelector !== undefined && !pod.nodeSelector(node)) return unresolvable(ERR_REASON_NODE_AFFINITY);
      if (pod.requiredNodeAffinity !== undefined && !pod.requiredNodeAffinity(node)) return unresolvable(ERR_REASON_NODE_AFFINITY);
      return null;
    },
    preScore(_state, pod) {
      return pod.preferredNodeTerms.length === 0 ? SKIP : null;
    },
    score(_state, pod, node) {
      let total = 0;
      for (const t of pod.preferredNodeTerms) if (t.weight > 0 && t.matches(node)) total += t.weight;
      return total;
    },
    normalizeScore(_state, _pod, _nodes, scores) {
      defaultNormalizeScore(scores, false);
    },
  };
}
