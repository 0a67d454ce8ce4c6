/**
 * Which pods a controller deletes first when it has too many (upstream's ActivePodsWithRanks):
 * the ones whose loss hurts least, so that scaling down never takes a serving pod while a
 * useless one is left.
 */
import { str } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { isPodReady, podCondition, podNodeName, podPhase } from './pod-state.ts';
import { parseTime } from './time.ts';

/** The annotation by which users order deletions: lower cost goes first. */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: KubeObject): number {
  const v = Number(pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION] ?? '0');
  return Number.isFinite(v) ? v : 0;
}

function restarts(pod: KubeObject): number {
  const statuses: unknown = pod.status?.containerStatuses;
  return Array.isArray(statuses) ? statuses.reduce((n: number, s: { restartCount?: unknown }) => n + (typeof s.restartCount === 'number' ? s.restartCount : 0), 0) : 0;
}

/**
 * `pods` ordered for deletion, first to go first:
 * unscheduled before scheduled; Pending, then Unknown, then Running; not ready before ready;
 * lower pod-deletion-cost first; pods on nodes crowded with their siblings first; ready for a
 * shorter time first; more container restarts first; newer first.
 */
export function rankForDeletion(pods: readonly KubeObject[]): KubeObject[] {
  const perNode = new Map<string, number>();
  for (const p of pods) perNode.set(podNodeName(p), (perNode.get(podNodeName(p)) ?? 0) + 1);
  const key = (p: KubeObject) => ({
    scheduled: podNodeName(p) === '' ? 0 : 1,
    phase: PHASE_ORDER[podPhase(p)] ?? 0,
    ready: isPodReady(p) ? 1 : 0,
    cost: deletionCost(p),
    crowd: podNodeName(p) === '' ? 0 : (perNode.get(podNodeName(p)) ?? 0),
    readySince: isPodReady(p) ? (parseTime(str(podCondition(p, 'Ready')?.lastTransitionTime)) ?? 0) : 0,
    restarts: restarts(p),
    created: parseTime(p.metadata.creationTimestamp) ?? 0,
  });
  return [...pods]
    .map((p) => ({ p, k: key(p) }))
    .sort(
      (a, b) =>
        a.k.scheduled - b.k.scheduled ||
        a.k.phase - b.k.phase ||
        a.k.ready - b.k.ready ||
        a.k.cost - b.k.cost ||
        b.k.crowd - a.k.crowd ||
        b.k.readySince - a.k.readySince ||
        b.k.restarts - a.k.restarts ||
        b.k.created - a.k.created ||
        (a.p.metadata.name ?? '').localeCompare(b.p.metadata.name ?? ''),
    )
    .map(({ p }) => p);
}
