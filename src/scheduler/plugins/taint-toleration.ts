/**
 * TaintToleration: a node's NoSchedule and NoExecute taints keep off every pod that does not
 * tolerate them (the message names the first such taint); among the nodes left, those with
 * fewer untolerated PreferNoSchedule taints score higher.
 */
import type { Toleration } from '../../api/core/v1/taints.ts';
import type { ClusterEvent } from '../framework/cluster-event.ts';
import { StateKey, type StateData } from '../framework/cycle-state.ts';
import type { FilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interface.ts';
import { defaultNormalizeScore } from '../framework/normalize-score.ts';
import type { PluginResult } from '../framework/status.ts';
import { unresolvable } from '../framework/status.ts';
import { blocksScheduling, firstUntoleratedTaint, tolerated } from '../framework/tolerations.ts';

export const TAINT_TOLERATION = 'TaintToleration';

const EVENTS: readonly ClusterEvent[] = ['NodeAdd', 'NodeTaintChange'];

class PreferTolerations implements StateData {
  readonly tolerations: readonly Toleration[];
  constructor(tolerations: readonly Toleration[]) {
    this.tolerations = tolerations;
  }
  clone(): StateData {
    return this;
  }
}

const PRESCORE_KEY = new StateKey<PreferTolerations>(`PreScore${TAINT_TOLERATION}`);

export function newTaintToleration(): FilterPlugin & PreScorePlugin & ScorePlugin {
  return {
    name: TAINT_TOLERATION,
    events: EVENTS,
    filter(_state, pod, node): PluginResult {
      if (node.taints.length === 0) return null;
      const taint = firstUntoleratedTaint(node.taints, pod.tolerations, blocksScheduling);
      return taint === undefined ? null : unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
    },
    preScore(state, pod) {
      state.write(PRESCORE_KEY, new PreferTolerations(pod.tolerations.filter((t) => t.effect === '' || t.effect === 'PreferNoSchedule')));
      return null;
    },
    score(state, _pod, node) {
      if (node.taints.length === 0) return 0;
      const tolerations = state.read(PRESCORE_KEY)?.tolerations ?? [];
      let untolerated = 0;
      for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !tolerated(tolerations, t)) untolerated++;
      return untolerated;
    },
    normalizeScore(_state, _pod, _nodes, scores) {
      defaultNormalizeScore(scores, true);
    },
  };
}
