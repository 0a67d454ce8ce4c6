/**
 * Why a pod fits no node, and the message users see in its PodScheduled condition and its
 * FailedScheduling event. The format is upstream's, since people and tools read it:
 *
 *   0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {gpu: true}. preemption: …
 *
 * Each node contributes each of its reasons once; the `<count> <reason>` strings are sorted
 * alphabetically (as strings, so "10 x" sorts before "2 y", exactly as upstream does).
 */
import type { Status } from './status.ts';

/** What a failed scheduling attempt found out. */
export interface Diagnosis {
  /** The status of every node that was evaluated and rejected, by node name. */
  readonly nodeStatuses: Map<string, Status>;
  /** The status of nodes PreFilter ruled out without evaluating them (they are not in nodeStatuses). */
  absentNodesStatus: Status | undefined;
  /** The plugins that rejected the pod somewhere: a cluster event one of them cares about retries it. */
  readonly unschedulablePlugins: Set<string>;
  /** Set when PreFilter rejected the pod outright (then no node was evaluated). */
  preFilterMsg: string;
  /** What PostFilter (preemption) had to say. */
  postFilterMsg: string;
}

export function newDiagnosis(): Diagnosis {
  return { nodeStatuses: new Map(), absentNodesStatus: undefined, unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
}

/** The message when the cluster has no nodes at all. */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/** `0/N nodes are available: …` for `numAllNodes` nodes; see the file comment. */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg !== '') {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const histogram = new Map<string, number>();
    for (const status of d.nodeStatuses.values()) {
      for (const reason of status.reasons) histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
    }
    const absent = numAllNodes - d.nodeStatuses.size;
    if (d.absentNodesStatus !== undefined && absent > 0) {
      for (const reason of d.absentNodesStatus.reasons) histogram.set(reason, (histogram.get(reason) ?? 0) + absent);
    }
    const parts = [...histogram].map(([reason, n]) => `${n} ${reason}`).sort();
    if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg !== '') msg += ` ${d.postFilterMsg}`;
  return msg;
}

/** The outcome of a scheduling attempt in which the pod fit none of `numAllNodes` nodes. */
export class FitError {
  readonly numAllNodes: number;
  readonly diagnosis: Diagnosis;

  constructor(numAllNodes: number, diagnosis: Diagnosis) {
    this.numAllNodes = numAllNodes;
    this.diagnosis = diagnosis;
  }

  /** Computed on demand: PostFilter adds to the diagnosis after the attempt. */
  get message(): string {
    return this.numAllNodes === 0 ? NO_NODES_AVAILABLE : fitErrorMessage(this.numAllNodes, this.diagnosis);
  }
}
