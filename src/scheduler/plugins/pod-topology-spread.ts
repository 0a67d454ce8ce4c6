/**
 * PodTopologySpread: `spec.topologySpreadConstraints`. For a constraint, a *domain* is one
 * value of its topologyKey (a zone, a hostname); the pods counted are those in the pod's own
 * namespace matching its labelSelector (not terminating). Only nodes that carry every
 * constraint's key, and pass the node inclusion policies (nodeAffinityPolicy Honor by default:
 * the pod's node selector/affinity; nodeTaintsPolicy Ignore by default), make domains.
 *
 * Filter (whenUnsatisfiable: DoNotSchedule): placing the pod in the node's domain must keep
 * `count(domain) + (1 if the pod matches its own selector) - min over domains ≤ maxSkew`,
 * where the minimum is 0 while there are fewer domains than `minDomains`. A node without the
 * key is unresolvable.
 *
 * Score (ScheduleAnyway): nodes whose domains hold fewer matching pods score higher. Each
 * constraint contributes `count × log(domains + 2) + maxSkew - 1`; scores are then flipped and
 * scaled so the emptiest domain gets 100, as upstream does.
 */
import type { Labels, Selector } from '../../api/labels/index.ts';
import { labelsMatch } from '../../api/labels/index.ts';
import { blocksScheduling, firstUntoleratedTaint } from '../framework/tolerations.ts';
import type { ClusterEvent } from '../framework/cluster-event.ts';
import type { CycleState, StateData } from '../framework/cycle-state.ts';
import { StateKey } from '../framework/cycle-state.ts';
import type { FilterPlugin, FrameworkHandle, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interface.ts';
import { MAX_NODE_SCORE } from '../framework/interface.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo, SpreadConstraint } from '../framework/pod-info.ts';
import type { PluginResult } from '../framework/status.ts';
import { SKIP, unresolvable, unschedulable } from '../framework/status.ts';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_MISSING_LABEL = `${ERR_REASON_CONSTRAINTS} (missing required label)`;

const HOSTNAME = 'kubernetes.io/hostname';

const EVENTS: readonly ClusterEvent[] = [
  'NodeAdd',
  'NodeDelete',
  'NodeLabelChange',
  'NodeTaintChange',
  'AssignedPodAdd',
  'AssignedPodUpdate',
  'AssignedPodDelete',
];

function hasAllKeys(labels: Labels, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (labels[c.topologyKey] === undefined) return false;
  return true;
}

/** Whether `node` makes a domain for constraint `c` of `pod` (the node inclusion policies). */
function included(c: SpreadConstraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.nodeAffinityPolicy === 'Honor') {
    if (pod.nodeSelector !== undefined && !pod.nodeSelector(node)) return false;
    if (pod.requiredNodeAffinity !== undefined && !pod.requiredNodeAffinity(node)) return false;
  }
  if (c.nodeTaintsPolicy === 'Honor' && firstUntoleratedTaint(node.taints, pod.tolerations, blocksScheduling) !== undefined) return false;
  return true;
}

function countMatching(node: NodeInfo, selector: Selector | null, namespace: string): number {
  if (selector === null) return 0;
  let n = 0;
  for (const p of node.pods.values()) if (!p.terminating && p.namespace === namespace && labelsMatch(selector, p.labels)) n++;
  return n;
}

class FilterState implements StateData {
  readonly constraints: readonly SpreadConstraint[];
  /** Per constraint: domain value → matching pods. */
  readonly counts: Array<Map<string, number>>;
  /** Per constraint: the smallest count, or undefined when it must be recomputed. */
  readonly #min: Array<number | undefined>;

  constructor(constraints: readonly SpreadConstraint[], counts: Array<Map<string, number>>) {
    this.constraints = constraints;
    this.counts = counts;
    this.#min = constraints.map(() => undefined);
  }

  minMatch(i: number): number {
    const c = this.constraints[i]!;
    const counts = this.counts[i]!;
    if (counts.size < c.minDomains) return 0;
    let m = this.#min[i];
    if (m === undefined) {
      m = Infinity;
      for (const v of counts.values()) if (v < m) m = v;
      this.#min[i] = m;
    }
    return m;
  }

  add(i: number, value: string, delta: number): void {
    const counts = this.counts[i]!;
    counts.set(value, (counts.get(value) ?? 0) + delta);
    this.#min[i] = undefined;
  }

  clone(): StateData {
    return new FilterState(
      this.constraints,
      this.counts.map((m) => new Map(m)),
    );
  }
}

class ScoreState implements StateData {
  readonly constraints: readonly SpreadConstraint[];
  /** Per constraint: domain value → matching pods (hostname constraints are counted per node in Score). */
  readonly counts: Array<Map<string, number>>;
  readonly weights: number[];
  readonly ignored: Set<string>;

  constructor(constraints: readonly SpreadConstraint[], counts: Array<Map<string, number>>, weights: number[], ignored: Set<string>) {
    this.constraints = constraints;
    this.counts = counts;
    this.weights = weights;
    this.ignored = ignored;
  }

  clone(): StateData {
    return this;
  }
}

const FILTER_KEY = new StateKey<FilterState>(`PreFilter${POD_TOPOLOGY_SPREAD}`);
const SCORE_KEY = new StateKey<ScoreState>(`PreScore${POD_TOPOLOGY_SPREAD}`);

export function newPodTopologySpread(handle: FrameworkHandle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  function updateWithPod(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: number): void {
    const s = state.read(FILTER_KEY);
    if (s === undefined || other.namespace !== pod.namespace || other.terminating || !hasAllKeys(node.labels, s.constraints)) return;
    s.constraints.forEach((c, i) => {
      if (c.selector === null || !labelsMatch(c.selector, other.labels) || !included(c, pod, node)) return;
      s.add(i, node.labels[c.topologyKey]!, delta);
    });
  }

  return {
    name: POD_TOPOLOGY_SPREAD,
    events: EVENTS,
    preFilter(state: CycleState, pod: PodInfo) {
      const constraints = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
      if (constraints.length === 0) return SKIP;
      const counts = constraints.map(() => new Map<string, number>());
      for (const node of handle.snapshot.list()) {
        if (!hasAllKeys(node.labels, constraints)) continue;
        constraints.forEach((c, i) => {
          if (!included(c, pod, node)) return;
          const value = node.labels[c.topologyKey]!;
          const m = counts[i]!;
          m.set(value, (m.get(value) ?? 0) + countMatching(node, c.selector, pod.namespace));
        });
      }
      state.write(FILTER_KEY, new FilterState(constraints, counts));
      return null;
    },
    preFilterExtensions: {
      addPod(state, pod, podToAdd, node) {
        updateWithPod(state, pod, podToAdd, node, 1);
        return null;
      },
      removePod(state, pod, podToRemove, node) {
        updateWithPod(state, pod, podToRemove, node, -1);
        return null;
      },
    },
    filter(state, pod, node): PluginResult {
      const s = state.read(FILTER_KEY);
      if (s === undefined) return null;
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i]!;
        const value = node.labels[c.topologyKey];
        if (value === undefined) return unresolvable(ERR_REASON_MISSING_LABEL);
        const self = c.selector !== null && labelsMatch(c.selector, pod.labels) ? 1 : 0;
        const skew = (s.counts[i]!.get(value) ?? 0) + self - s.minMatch(i);
        if (skew > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS);
      }
      return null;
    },
    preScore(state, pod, nodes) {
      const constraints = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
      if (constraints.length === 0 || nodes.length === 0) return SKIP;
      const counts = constraints.map(() => new Map<string, number>());
      const ignored = new Set<string>();
      for (const node of nodes) {
        if (!hasAllKeys(node.labels, constraints)) {
          ignored.add(node.name);
          continue;
        }
        constraints.forEach((c, i) => {
          if (c.topologyKey !== HOSTNAME) counts[i]!.set(node.labels[c.topologyKey]!, 0);
        });
      }
      for (const node of handle.snapshot.list()) {
        if (!hasAllKeys(node.labels, constraints)) continue;
        constraints.forEach((c, i) => {
          const m = counts[i]!;
          const value = node.labels[c.topologyKey]!;
          const current = m.get(value);
          if (current === undefined || !included(c, pod, node)) return;
          m.set(value, current + countMatching(node, c.selector, pod.namespace));
        });
      }
      const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? nodes.length - ignored.size : counts[i]!.size) + 2));
      state.write(SCORE_KEY, new ScoreState(constraints, counts, weights, ignored));
      return null;
    },
    score(state, pod, node) {
      const s = state.read(SCORE_KEY);
      if (s === undefined || s.ignored.has(node.name)) return 0;
      let score = 0;
      s.constraints.forEach((c, i) => {
        const value = node.labels[c.topologyKey];
        if (value === undefined) return;
        const count = c.topologyKey === HOSTNAME ? countMatching(node, c.selector, pod.namespace) : (s.counts[i]!.get(value) ?? 0);
        score += count * s.weights[i]! + (c.maxSkew - 1);
      });
      return Math.round(score);
    },
    normalizeScore(state, _pod, nodes, scores) {
      const s = state.read(SCORE_KEY);
      if (s === undefined) return;
      let min = Infinity;
      let max = 0;
      nodes.forEach((n, i) => {
        if (s.ignored.has(n.name)) return;
        if (scores[i]! < min) min = scores[i]!;
        if (scores[i]! > max) max = scores[i]!;
      });
      nodes.forEach((n, i) => {
        if (s.ignored.has(n.name)) scores[i] = 0;
        else if (max === 0) scores[i] = MAX_NODE_SCORE;
        else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
      });
    },
  };
}
