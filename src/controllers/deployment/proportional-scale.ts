/**
 * Resizing a deployment in the middle of a rollout (or while it is paused): the replicas added
 * or removed are spread over the active ReplicaSets in proportion to their sizes, so a resize
 * neither hastens nor stalls the rollout. Pure: returns the new sizes, the caller writes them.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { active, byCreation, DESIRED_REPLICAS_ANNOTATION, isRollingUpdate, MAX_REPLICAS_ANNOTATION, maxSurge, specReplicas, statusCount, sum } from './replica-sets.ts';

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** The share of `toAdd` replicas one ReplicaSet should take, from its recorded max-replicas annotation. */
function fraction(rs: KubeObject, d: KubeObject): number {
  if (specReplicas(d) === 0) return -specReplicas(rs);
  const deploymentReplicas = specReplicas(d) + maxSurge(d);
  const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION]);
  // Without the annotation, the deployment's current size is the best guess of the old total.
  const old = Number.isInteger(annotated) && annotated > 0 ? annotated : statusCount(d, 'replicas');
  if (old === 0) return 0;
  return roundHalfAway((specReplicas(rs) * deploymentReplicas) / old) - specReplicas(rs);
}

function proportion(rs: KubeObject, d: KubeObject, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const share = fraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(share, allowed) : Math.max(share, allowed);
}

/** The new ReplicaSet has all the deployment's pods, knows it, and all of them are available. */
function isSaturated(d: KubeObject, rs: KubeObject | undefined): boolean {
  const replicas = specReplicas(d);
  return rs !== undefined && specReplicas(rs) === replicas && rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] === String(replicas) && statusCount(rs, 'availableReplicas') === replicas;
}

/**
 * The sizes (by ReplicaSet name) a resize of `d` calls for; ReplicaSets not listed keep
 * theirs. With a single active (or no active) ReplicaSet, that one (or the newest) takes the
 * whole size; with a saturated new ReplicaSet (see isSaturated), the old ones go to 0; otherwise, for rolling
 * updates, the difference to `replicas + maxSurge` is spread proportionally, larger sets first,
 * and any rounding leftover goes to the largest.
 */
export function proportionalSizes(d: KubeObject, newRS: KubeObject | undefined, oldRSs: readonly KubeObject[]): Map<string, number> {
  const sizes = new Map<string, number>();
  const replicas = specReplicas(d);
  const all = [...oldRSs, ...(newRS === undefined ? [] : [newRS])];
  const activeSets = active(all);
  if (activeSets.length <= 1) {
    const target = activeSets[0] ?? (newRS ?? [...oldRSs].sort(byCreation).at(-1));
    if (target !== undefined && specReplicas(target) !== replicas) sizes.set(target.metadata.name ?? '', replicas);
    return sizes;
  }
  if (isSaturated(d, newRS)) {
    for (const rs of active(oldRSs)) sizes.set(rs.metadata.name ?? '', 0);
    return sizes;
  }
  if (!isRollingUpdate(d)) return sizes;
  const allowedSize = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowedSize - sum(activeSets, specReplicas);
  if (toAdd === 0) return sizes;
  // Larger first; among equals, newer first when growing and older first when shrinking.
  const ordered = [...activeSets].sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
  let added = 0;
  for (const rs of ordered) {
    const share = proportion(rs, d, toAdd, added);
    sizes.set(rs.metadata.name ?? '', specReplicas(rs) + share);
    added += share;
  }
  const largest = ordered[0]!;
  const name = largest.metadata.name ?? '';
  sizes.set(name, Math.max(0, (sizes.get(name) ?? 0) + toAdd - added));
  for (const rs of ordered) if (sizes.get(rs.metadata.name ?? '') === specReplicas(rs)) sizes.delete(rs.metadata.name ?? '');
  return sizes;
}
