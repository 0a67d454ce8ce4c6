/**
 * The scheduling algorithm for one pod, synchronous from start to end: PreFilter, Filter over
 * (a sample of) the nodes, then PreScore/Score over the feasible ones and the best node.
 *
 * Sampling (upstream's percentageOfNodesToScore): in big clusters, filtering stops once enough
 * feasible nodes were found — by default 50% of the nodes minus 1% per 125 nodes, at least 5%
 * and at least 100 nodes (so 10% = 500 nodes of 5,000). The next pod starts where this one
 * stopped, so over many pods every node gets its turn. When no node fits, every node has been
 * evaluated, so the failure message accounts for all of them.
 */
import type { CycleState } from './framework/cycle-state.ts';
import type { Diagnosis } from './framework/fit-error.ts';
import { FitError, newDiagnosis } from './framework/fit-error.ts';
import type { Framework } from './framework/framework.ts';
import type { Snapshot } from './framework/interface.ts';
import type { NodeInfo } from './framework/node-info.ts';
import type { PodInfo } from './framework/pod-info.ts';
import type { Status } from './framework/status.ts';
import { unresolvable } from './framework/status.ts';

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE = 5;
const BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50;

/**
 * How many feasible nodes to look for among `numAllNodes`.
 * @param percentage 1-100, or 0 for the adaptive default (see the file comment)
 */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND || percentage >= 100) return numAllNodes;
  let adaptive = percentage;
  if (adaptive <= 0) {
    adaptive = BASE_PERCENTAGE_OF_NODES_TO_SCORE - Math.trunc(numAllNodes / 125);
    if (adaptive < MIN_FEASIBLE_NODES_PERCENTAGE) adaptive = MIN_FEASIBLE_NODES_PERCENTAGE;
  }
  const n = Math.trunc((numAllNodes * adaptive) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

/** The outcome of one attempt. */
export type ScheduleOutcome =
  | { readonly kind: 'scheduled'; readonly nodeName: string; readonly evaluatedNodes: number; readonly feasibleNodes: number }
  | { readonly kind: 'unschedulable'; readonly fitError: FitError }
  | { readonly kind: 'error'; readonly status: Status };

export interface SchedulingAlgorithmOptions {
  /** 0 (adaptive) or 1-100. @default 0 */
  percentageOfNodesToScore?: number;
  /** Breaks ties between equally scored nodes. @default Math.random */
  random?: () => number;
}

/** Places pods on nodes; see the file comment. Holds the sampling start between pods. */
export class SchedulingAlgorithm {
  readonly #framework: Framework;
  readonly #snapshot: Snapshot;
  readonly #percentage: number;
  readonly #random: () => number;
  #nextStartNodeIndex = 0;

  constructor(framework: Framework, snapshot: Snapshot, opts: SchedulingAlgorithmOptions = {}) {
    this.#framework = framework;
    this.#snapshot = snapshot;
    this.#percentage = opts.percentageOfNodesToScore ?? 0;
    this.#random = opts.random ?? Math.random;
    if (!(this.#percentage >= 0 && this.#percentage <= 100)) throw new Error(`Cannot create scheduler: percentageOfNodesToScore must be 0-100, got ${this.#percentage}`);
  }

  schedule(state: CycleState, pod: PodInfo): ScheduleOutcome {
    const all = this.#snapshot.list();
    const diagnosis = newDiagnosis();
    if (all.length === 0) return { kind: 'unschedulable', fitError: new FitError(0, diagnosis) };
    const pre = this.#framework.runPreFilter(state, pod);
    if (pre.status !== null) {
      if (pre.status.code === 'Error') return { kind: 'error', status: pre.status };
      diagnosis.preFilterMsg = pre.status.reasons.join(', ');
      diagnosis.absentNodesStatus = pre.status;
      if (pre.status.plugin !== undefined) diagnosis.unschedulablePlugins.add(pre.status.plugin);
      return { kind: 'unschedulable', fitError: new FitError(all.length, diagnosis) };
    }

    const nominated = this.#evaluateNominatedNode(state, pod);
    if (nominated !== undefined) return { kind: 'scheduled', nodeName: nominated, evaluatedNodes: 1, feasibleNodes: 1 };

    let nodes = all;
    if (pre.nodeNames !== undefined) {
      nodes = [...pre.nodeNames].map((n) => this.#snapshot.get(n)).filter((n): n is NodeInfo => n !== undefined);
      diagnosis.absentNodesStatus = unresolvable(`node(s) didn't satisfy plugin(s) [${[...pre.narrowedBy].sort().join(' ')}]`);
      for (const p of pre.narrowedBy) diagnosis.unschedulablePlugins.add(p);
    }
    const found = this.#findFeasible(state, pod, nodes, all.length, pre.nodeNames === undefined, diagnosis);
    if ('kind' in found) return found;
    const feasible = found.feasible;
    if (feasible.length === 0) return { kind: 'unschedulable', fitError: new FitError(all.length, diagnosis) };
    const evaluatedNodes = feasible.length + diagnosis.nodeStatuses.size;
    if (feasible.length === 1) return { kind: 'scheduled', nodeName: feasible[0]!.name, evaluatedNodes, feasibleNodes: 1 };

    const preScore = this.#framework.runPreScore(state, pod, feasible);
    if (preScore !== null) return { kind: 'error', status: preScore };
    const totals = this.#framework.runScore(state, pod, feasible);
    return { kind: 'scheduled', nodeName: feasible[this.#selectHost(totals)]!.name, evaluatedNodes, feasibleNodes: feasible.length };
  }

  /** A pod that preemption nominated to a node goes there if it fits now. */
  #evaluateNominatedNode(state: CycleState, pod: PodInfo): string | undefined {
    if (pod.nominatedNodeName === '') return undefined;
    const node = this.#snapshot.get(pod.nominatedNodeName);
    if (node === undefined) return undefined;
    return this.#framework.runFilterWithNominatedPods(state, pod, node) === null ? node.name : undefined;
  }

  #findFeasible(
    state: CycleState,
    pod: PodInfo,
    nodes: readonly NodeInfo[],
    numAllNodes: number,
    rotate: boolean,
    diagnosis: Diagnosis,
  ): { feasible: NodeInfo[] } | { kind: 'error'; status: Status } {
    const n = nodes.length;
    const wanted = numFeasibleNodesToFind(this.#percentage, n);
    const start = rotate && n > 0 ? this.#nextStartNodeIndex % n : 0;
    const feasible: NodeInfo[] = [];
    let processed = 0;
    for (let i = 0; i < n; i++) {
      const node = nodes[(start + i) % n]!;
      processed++;
      const s = this.#framework.runFilterWithNominatedPods(state, pod, node);
      if (s === null) {
        feasible.push(node);
        if (feasible.length >= wanted) break;
      } else if (s.code === 'Error') {
        return { kind: 'error', status: s };
      } else {
        diagnosis.nodeStatuses.set(node.name, s);
        if (s.plugin !== undefined) diagnosis.unschedulablePlugins.add(s.plugin);
      }
    }
    if (rotate) this.#nextStartNodeIndex = (start + processed) % Math.max(1, numAllNodes);
    return { feasible };
  }

  /** The index of the best total; ties are broken uniformly at random. */
  #selectHost(totals: readonly number[]): number {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < totals.length; i++) {
      const t = totals[i]!;
      if (t > totals[best]!) {
        best = i;
        ties = 1;
      } else if (t === totals[best]!) {
        ties++;
        if (this.#random() * ties < 1) best = i;
      }
    }
    return best;
  }
}
