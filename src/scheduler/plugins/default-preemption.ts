/**
 * DefaultPreemption (PostFilter): when a pod fits no node, find a node where deleting pods of
 * lower `spec.priority` would make it fit, delete as few and as unimportant of them as
 * possible, and nominate the node for the pod (`status.nominatedNodeName`) — it is scheduled
 * there once the victims are gone, and other pods leave that room free meanwhile.
 *
 * - Only nodes that rejected the pod with a plain Unschedulable are candidates; preemption
 *   cannot help where the rejection is UnschedulableAndUnresolvable (a taint, a selector).
 * - On a candidate, every lower-priority pod is removed in a what-if copy of the node; if the
 *   pod then fits, victims are reprieved one by one, most important first (higher priority,
 *   then earlier start), as long as the pod still fits.
 * - Among candidates the node is chosen by: the lowest highest-victim priority, then the
 *   smallest sum of victim priorities, then the fewest victims, then the latest start of the
 *   highest-priority victims.
 * - Victims get a `DisruptionTarget` condition and a `Preempted` event, then are deleted.
 * - Pods with `preemptionPolicy: Never` never preempt; a pod whose nominated node still has a
 *   lower-priority pod terminating waits instead of preempting again.
 * PodDisruptionBudgets are not consulted when choosing victims (upstream prefers victims whose
 * budgets allow the disruption); only evictions (pods/eviction) honour them.
 */
import { podType } from '../../api/core/v1/pod.ts';
import { isObject, str } from '../../api/meta/shape.ts';
import { isNotFound, referenceTo } from '../../client/index.ts';
import type { CycleState } from '../framework/cycle-state.ts';
import type { Diagnosis } from '../framework/fit-error.ts';
import { fitErrorMessage, newDiagnosis } from '../framework/fit-error.ts';
import type { FrameworkHandle, FrameworkRunner, PostFilterPlugin, PostFilterResult } from '../framework/interface.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import type { Status } from '../framework/status.ts';
import { unresolvable, unschedulable } from '../framework/status.ts';

export const DEFAULT_PREEMPTION = 'DefaultPreemption';
export const REASON_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const REASON_NOT_HELPFUL = 'Preemption is not helpful for scheduling';

/** At least this many candidate nodes are evaluated (or 10% of the nodes, if more). */
const MIN_CANDIDATES = 100;

/** A node where preemption would make room, and the pods it would delete. */
export interface Candidate {
  readonly node: NodeInfo;
  readonly victims: readonly PodInfo[];
}

function startTime(p: PodInfo): number {
  const t = isObject(p.pod.status) ? Date.parse(str(p.pod.status.startTime)) : NaN;
  return Number.isNaN(t) ? Date.parse(p.pod.metadata.creationTimestamp ?? '') || 0 : t;
}

/** Whether `a` matters more than `b`: higher priority, then running longer. */
function moreImportant(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return startTime(a) - startTime(b);
}

/** The candidate to preempt on (see the file comment for the order). */
export function pickCandidate(candidates: readonly Candidate[]): Candidate {
  const keyOf = (c: Candidate): number[] => {
    const top = c.victims.length === 0 ? -Infinity : Math.max(...c.victims.map((v) => v.priority));
    const sum = c.victims.reduce((s, v) => s + v.priority + 2 ** 31, 0);
    const topStarts = c.victims.filter((v) => v.priority === top).map(startTime);
    const latestStart = topStarts.length === 0 ? 0 : Math.min(...topStarts);
    return [top, sum, c.victims.length, -latestStart];
  };
  let best = candidates[0]!;
  let bestKey = keyOf(best);
  for (const c of candidates.slice(1)) {
    const k = keyOf(c);
    const i = k.findIndex((v, j) => v !== bestKey[j]);
    if (i >= 0 && k[i]! < bestKey[i]!) {
      best = c;
      bestKey = k;
    }
  }
  return best;
}

/** The fewest lower-priority pods to delete from `node` for `pod` to fit, or undefined if deleting them all does not help. */
export function selectVictims(fw: FrameworkRunner, state: CycleState, pod: PodInfo, node: NodeInfo): PodInfo[] | undefined {
  const lower = [...node.pods.values()].filter((p) => p.priority < pod.priority);
  if (lower.length === 0) return undefined;
  const copy = node.clone();
  const copyState = state.clone();
  for (const v of lower) {
    copy.removePod(v.key);
    if (fw.runPreFilterRemovePod(copyState, pod, v, copy) !== null) return undefined;
  }
  if (fw.runFilterWithNominatedPods(copyState, pod, copy) !== null) return undefined;
  const victims: PodInfo[] = [];
  for (const v of lower.sort(moreImportant)) {
    copy.addPod(v);
    fw.runPreFilterAddPod(copyState, pod, v, copy);
    if (fw.runFilterWithNominatedPods(copyState, pod, copy) !== null) {
      copy.removePod(v.key);
      fw.runPreFilterRemovePod(copyState, pod, v, copy);
      victims.push(v);
    }
  }
  return victims;
}


/**
 * The nodes where preemption would make room for `pod` (at most `wanted` of them), and the
 * diagnosis of the others: not helpful (rejected as unresolvable), or no victims found.
 */
export function findCandidates(
  fw: FrameworkRunner,
  nodes: readonly NodeInfo[],
  state: CycleState,
  pod: PodInfo,
  nodeStatuses: ReadonlyMap<string, Status>,
): { candidates: Candidate[]; diagnosis: Diagnosis } {
  const diagnosis = newDiagnosis();
  const wanted = Math.max(MIN_CANDIDATES, Math.ceil(nodes.length / 10));
  const candidates: Candidate[] = [];
  for (const node of nodes) {
    const status = nodeStatuses.get(node.name);
    if (status === undefined || status.code !== 'Unschedulable') {
      diagnosis.nodeStatuses.set(node.name, unresolvable(REASON_NOT_HELPFUL));
      continue;
    }
    if (candidates.length >= wanted) continue;
    const victims = selectVictims(fw, state, pod, node);
    if (victims === undefined) diagnosis.nodeStatuses.set(node.name, unschedulable(REASON_NO_VICTIMS));
    else candidates.push({ node, victims });
  }
  return { candidates, diagnosis };
}

export function newDefaultPreemption(handle: FrameworkHandle, fw: FrameworkRunner): PostFilterPlugin {
  /** Whether the pod may preempt; the reason when it may not. */
  function notEligible(pod: PodInfo): string | undefined {
    if (isObject(pod.pod.spec) && pod.pod.spec.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    if (pod.nominatedNodeName !== '') {
      const node = handle.snapshot.get(pod.nominatedNodeName);
      if (node !== undefined && [...node.pods.values()].some((p) => p.terminating && p.priority < pod.priority)) {
        return 'not eligible due to a terminating pod on the nominated node.';
      }
    }
    return undefined;
  }

  async function evict(pod: PodInfo, victim: PodInfo, nodeName: string, signal: AbortSignal): Promise<void> {
    const clientset = handle.clientset;
    if (clientset === undefined || !handle.mayAct()) throw new Error('cannot preempt: this scheduler may not write');
    const pods = clientset.resource(podType);
    try {
      await pods.patch(
        victim.name,
        {
          status: {
            conditions: [
              {
                type: 'DisruptionTarget',
                status: 'True',
                reason: 'PreemptionByScheduler',
                message: `${pod.schedulerName}: preempting to accommodate a higher priority pod`,
                lastTransitionTime: handle.clock.wallNow().toISOString().replace(/\.\d+Z$/, 'Z'),
              },
            ],
          },
        },
        { namespace: victim.namespace, subresource: 'status', type: 'strategic', signal },
      );
      if (!handle.mayAct()) throw new Error('cannot preempt: this scheduler may not write');
      await pods.delete(victim.name, { namespace: victim.namespace, preconditions: { uid: victim.uid }, signal });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    handle.events?.event(referenceTo(victim.pod, 'Pod', 'v1'), 'Normal', 'Preempted', `Preempted by pod ${pod.uid} on node ${nodeName}`);
  }

  /** Lower-priority pods nominated to the node lose their nomination: the room is this pod's now. */
  async function clearLowerNominations(pod: PodInfo, nodeName: string, signal: AbortSignal): Promise<void> {
    const clientset = handle.clientset;
    if (clientset === undefined) return;
    const lower = handle.nominator.nominatedPodsFor(nodeName).filter((p) => p.priority < pod.priority && p.uid !== pod.uid);
    await Promise.all(
      lower.map(async (p) => {
        if (!handle.mayAct()) return;
        try {
          await clientset.resource(podType).patch(p.name, { status: { nominatedNodeName: null } }, { namespace: p.namespace, subresource: 'status', signal });
        } catch (err) {
          if (!isNotFound(err)) handle.logger.warn('failed to clear a nomination', { pod: p.key, error: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
  }

  return {
    name: DEFAULT_PREEMPTION,
    events: [],
    async postFilter(state, pod, nodeStatuses, signal): Promise<PostFilterResult> {
      const ineligible = notEligible(pod);
      if (ineligible !== undefined) return { status: unschedulable(`preemption: ${ineligible}`) };
      const all = handle.snapshot.list();
      const { candidates, diagnosis } = findCandidates(fw, all, state, pod, nodeStatuses);
      if (candidates.length === 0) {
        return { nominatedNodeName: '', status: unschedulable(`preemption: ${fitErrorMessage(all.length, diagnosis)}`) };
      }
      const best = pickCandidate(candidates);
      await Promise.all(best.victims.map((v) => evict(pod, v, best.node.name, signal)));
      await clearLowerNominations(pod, best.node.name, signal);
      return { nominatedNodeName: best.node.name, status: null };
    },
  };
}
