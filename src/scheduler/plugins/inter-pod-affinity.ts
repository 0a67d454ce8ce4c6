/**
 * InterPodAffinity: pod affinity and anti-affinity over any topology key (hostname, zone, …).
 * A "topology pair" is a (topologyKey, value) such as (kubernetes.io/hostname, node-1); two
 * nodes with the same value of the key are "the same place".
 *
 * Filter (required terms):
 * - affinity: on the node's pair for each term, some pod must match all of the pod's required
 *   affinity terms — except when no such pod exists anywhere and the pod matches its own terms
 *   (the first replica of a group that wants to be together). The node must carry every
 *   term's topology key. Unresolvable otherwise.
 * - anti-affinity: no pod matching one of the pod's anti-affinity terms may be in the node's pair.
 * - existing pods' anti-affinity: no pod whose required anti-affinity term matches this pod may
 *   be in a pair the node shares.
 * PreFilter counts pods per pair once for the whole cycle; Filter only looks counts up.
 *
 * Score (preferred terms): every existing pod adds (or, for anti-affinity, subtracts) a term's
 * weight to its node's pair when the term links it with this pod — this pod's preferred terms
 * matching it, and its own terms (required affinity with weight 1, preferred with their
 * weights) matching this pod. A node scores the sum over its pairs, normalized min-max to 0-100.
 */
import type { Labels } from '../../api/labels/index.ts';
import type { AffinityTerm, NamespaceLabels, WeightedAffinityTerm } from '../framework/affinity-term.ts';
import { termMatches } from '../framework/affinity-term.ts';
import type { ClusterEvent } from '../framework/cluster-event.ts';
import type { CycleState, StateData } from '../framework/cycle-state.ts';
import { StateKey } from '../framework/cycle-state.ts';
import type { FilterPlugin, FrameworkHandle, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interface.ts';
import { MAX_NODE_SCORE } from '../framework/interface.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import type { PluginResult } from '../framework/status.ts';
import { SKIP, unresolvable, unschedulable } from '../framework/status.ts';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

/** The weight an existing pod's required affinity term gets when scoring (upstream's hardPodAffinityWeight). */
const HARD_POD_AFFINITY_WEIGHT = 1;

const EVENTS: readonly ClusterEvent[] = ['NodeAdd', 'NodeLabelChange', 'AssignedPodAdd', 'AssignedPodUpdate', 'AssignedPodDelete', 'NamespaceChange'];

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

/** Counts per topology pair; entries that drop to 0 are removed, so `size` says whether any are set. */
class PairCounts {
  readonly counts = new Map<string, number>();

  /** Adds `value` to the pair of `node` for `topologyKey`, if the node has that label. */
  update(labels: Labels, topologyKey: string, value: number): void {
    const v = labels[topologyKey];
    if (v === undefined) return;
    const k = pairKey(topologyKey, v);
    const n = (this.counts.get(k) ?? 0) + value;
    if (n === 0) this.counts.delete(k);
    else this.counts.set(k, n);
  }

  get(key: string, value: string): number {
    return this.counts.get(pairKey(key, value)) ?? 0;
  }

  clone(): PairCounts {
    const c = new PairCounts();
    for (const [k, v] of this.counts) c.counts.set(k, v);
    return c;
  }
}

function matchesAll(terms: readonly AffinityTerm[], namespace: string, labels: Labels, nsLabels: NamespaceLabels): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, namespace, labels, nsLabels)) return false;
  return true;
}

class FilterState implements StateData {
  existingAntiAffinity = new PairCounts();
  affinity = new PairCounts();
  antiAffinity = new PairCounts();

  clone(): StateData {
    const c = new FilterState();
    c.existingAntiAffinity = this.existingAntiAffinity.clone();
    c.affinity = this.affinity.clone();
    c.antiAffinity = this.antiAffinity.clone();
    return c;
  }
}

class ScoreState implements StateData {
  /** topologyKey → value → score. */
  readonly scores = new Map<string, Map<string, number>>();
  clone(): StateData {
    return this;
  }
}

const FILTER_KEY = new StateKey<FilterState>(`PreFilter${INTER_POD_AFFINITY}`);
const SCORE_KEY = new StateKey<ScoreState>(`PreScore${INTER_POD_AFFINITY}`);

export function newInterPodAffinity(handle: FrameworkHandle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const nsLabels = handle.namespaceLabels;

  /** Adds `multiplier` × `existing` (on `labels`) to the counts of `s` for incoming pod `pod`. */
  function updateWithPod(s: FilterState, pod: PodInfo, existing: PodInfo, labels: Labels, multiplier: number): void {
    for (const t of existing.requiredAntiAffinityTerms) {
      if (termMatches(t, pod.namespace, pod.labels, nsLabels)) s.existingAntiAffinity.update(labels, t.topologyKey, multiplier);
    }
    if (matchesAll(pod.requiredAffinityTerms, existing.namespace, existing.labels, nsLabels)) {
      for (const t of pod.requiredAffinityTerms) s.affinity.update(labels, t.topologyKey, multiplier);
    }
    for (const t of pod.requiredAntiAffinityTerms) {
      if (termMatches(t, existing.namespace, existing.labels, nsLabels)) s.antiAffinity.update(labels, t.topologyKey, multiplier);
    }
  }

  function satisfiesAffinity(s: FilterState, pod: PodInfo, node: NodeInfo): boolean {
    let podsExist = true;
    for (const t of pod.requiredAffinityTerms) {
      const v = node.labels[t.topologyKey];
      if (v === undefined) return false;
      if (s.affinity.get(t.topologyKey, v) <= 0) podsExist = false;
    }
    if (podsExist) return true;
    // The first pod of a group with affinity to itself may go anywhere the keys exist.
    return s.affinity.counts.size === 0 && matchesAll(pod.requiredAffinityTerms, pod.namespace, pod.labels, nsLabels);
  }

  function satisfiesAntiAffinity(s: FilterState, pod: PodInfo, node: NodeInfo): boolean {
    if (s.antiAffinity.counts.size === 0) return true;
    for (const t of pod.requiredAntiAffinityTerms) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && s.antiAffinity.get(t.topologyKey, v) > 0) return false;
    }
    return true;
  }

  function satisfiesExistingAntiAffinity(s: FilterState, node: NodeInfo): boolean {
    if (s.existingAntiAffinity.counts.size === 0) return true;
    for (const [k, v] of Object.entries(node.labels)) if (s.existingAntiAffinity.get(k, v) > 0) return false;
    return true;
  }

  function addScore(scores: Map<string, Map<string, number>>, labels: Labels, topologyKey: string, delta: number): void {
    const v = labels[topologyKey];
    if (v === undefined || delta === 0) return;
    let byValue = scores.get(topologyKey);
    if (byValue === undefined) scores.set(topologyKey, (byValue = new Map()));
    byValue.set(v, (byValue.get(v) ?? 0) + delta);
  }

  function scoreTerms(
    scores: Map<string, Map<string, number>>,
    terms: readonly WeightedAffinityTerm[],
    target: PodInfo,
    labels: Labels,
    sign: number,
  ): void {
    for (const t of terms) if (termMatches(t, target.namespace, target.labels, nsLabels)) addScore(scores, labels, t.topologyKey, t.weight * sign);
  }

  return {
    name: INTER_POD_AFFINITY,
    events: EVENTS,
    preFilter(state: CycleState, pod: PodInfo) {
      const s = new FilterState();
      for (const node of handle.snapshot.havePodsWithRequiredAntiAffinity()) {
        for (const existing of node.podsWithRequiredAntiAffinity) {
          for (const t of existing.requiredAntiAffinityTerms) {
            if (termMatches(t, pod.namespace, pod.labels, nsLabels)) s.existingAntiAffinity.update(node.labels, t.topologyKey, 1);
          }
        }
      }
      const hasRequired = pod.requiredAffinityTerms.length > 0 || pod.requiredAntiAffinityTerms.length > 0;
      if (!hasRequired && s.existingAntiAffinity.counts.size === 0) return SKIP;
      if (hasRequired) {
        for (const node of handle.snapshot.list()) {
          for (const existing of node.pods.values()) {
            if (matchesAll(pod.requiredAffinityTerms, existing.namespace, existing.labels, nsLabels)) {
              for (const t of pod.requiredAffinityTerms) s.affinity.update(node.labels, t.topologyKey, 1);
            }
            for (const t of pod.requiredAntiAffinityTerms) {
              if (termMatches(t, existing.namespace, existing.labels, nsLabels)) s.antiAffinity.update(node.labels, t.topologyKey, 1);
            }
          }
        }
      }
      state.write(FILTER_KEY, s);
      return null;
    },
    preFilterExtensions: {
      addPod(state, pod, podToAdd, node) {
        const s = state.read(FILTER_KEY);
        if (s !== undefined) updateWithPod(s, pod, podToAdd, node.labels, 1);
        return null;
      },
      removePod(state, pod, podToRemove, node) {
        const s = state.read(FILTER_KEY);
        if (s !== undefined) updateWithPod(s, pod, podToRemove, node.labels, -1);
        return null;
      },
    },
    filter(state, pod, node): PluginResult {
      const s = state.read(FILTER_KEY);
      if (s === undefined) return null;
      if (!satisfiesAffinity(s, pod, node)) return unresolvable(ERR_REASON_AFFINITY);
      if (!satisfiesAntiAffinity(s, pod, node)) return unschedulable(ERR_REASON_ANTI_AFFINITY);
      if (!satisfiesExistingAntiAffinity(s, node)) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
      return null;
    },
    preScore(state, pod) {
      const own = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
      // Without preferred terms of its own, only pods that have affinity terms can matter.
      const nodes = own ? handle.snapshot.list() : handle.snapshot.havePodsWithAffinity();
      if (nodes.length === 0) return SKIP;
      const s = new ScoreState();
      for (const node of nodes) {
        if (Object.keys(node.labels).length === 0) continue;
        const pods = own ? node.pods.values() : node.podsWithAffinity.values();
        for (const existing of pods) {
          scoreTerms(s.scores, pod.preferredAffinityTerms, existing, node.labels, 1);
          scoreTerms(s.scores, pod.preferredAntiAffinityTerms, existing, node.labels, -1);
          for (const t of existing.requiredAffinityTerms) {
            if (termMatches(t, pod.namespace, pod.labels, nsLabels)) addScore(s.scores, node.labels, t.topologyKey, HARD_POD_AFFINITY_WEIGHT);
          }
          scoreTerms(s.scores, existing.preferredAffinityTerms, pod, node.labels, 1);
          scoreTerms(s.scores, existing.preferredAntiAffinityTerms, pod, node.labels, -1);
        }
      }
      if (s.scores.size === 0) return SKIP;
      state.write(SCORE_KEY, s);
      return null;
    },
    score(state, _pod, node) {
      const s = state.read(SCORE_KEY);
      if (s === undefined) return 0;
      let total = 0;
      for (const [key, byValue] of s.scores) {
        const v = node.labels[key];
        if (v !== undefined) total += byValue.get(v) ?? 0;
      }
      return total;
    },
    normalizeScore(_state, _pod, _nodes, scores) {
      let min = Infinity;
      let max = -Infinity;
      for (const s of scores) {
        if (s < min) min = s;
        if (s > max) max = s;
      }
      const diff = max - min;
      for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (scores[i]! - min)) / diff) : 0;
    },
  };
}
