/**
 * One step of a rolling update, decided from ReplicaSet sizes and availability alone (pure; the
 * controller writes the result). Each step either grows the new ReplicaSet or shrinks old ones,
 * never both, and keeps the two promises of a rolling update:
 *   - never more than `replicas + maxSurge` pods wanted in total;
 *   - never fewer than `replicas − maxUnavailable` pods available (old pods go only once enough
 *     new ones are available, except unavailable old pods, which can go at any time).
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { byCreation, maxSurge, maxUnavailable, specReplicas, statusCount, sum } from './replica-sets.ts';

/** The size the new ReplicaSet should have now (upstream's NewRSNewReplicas). */
export function newReplicaSetTarget(d: KubeObject, all: readonly KubeObject[], newRS: KubeObject): number {
  const replicas = specReplicas(d);
  const current = specReplicas(newRS);
  if (current >= replicas) return replicas;
  if (d.spec?.strategy?.type === 'Recreate') return replicas;
  const maxTotal = replicas + maxSurge(d);
  const total = sum(all, specReplicas);
  if (total >= maxTotal) return current;
  return current + Math.min(maxTotal - total, replicas - current);
}

/**
 * New sizes for old ReplicaSets (by name; unchanged ones left out). Unhealthy old replicas go
 * first, as far as `allPods − minAvailable − newUnavailable` allows (the new ReplicaSet's own
 * unavailable pods count against the budget, so a crash-looping new template does not take the
 * old pods down); then available old pods go while more than minAvailable pods are available.
 * Oldest ReplicaSets shrink first.
 */
export function oldReplicaSetTargets(d: KubeObject, all: readonly KubeObject[], oldRSs: readonly KubeObject[], newRS: KubeObject | undefined): Map<string, number> {
  const targets = new Map<string, number>();
  const size = (rs: KubeObject): number => targets.get(rs.metadata.name ?? '') ?? specReplicas(rs);
  const oldActive = [...oldRSs].filter((rs) => specReplicas(rs) > 0).sort(byCreation);
  if (sum(oldActive, specReplicas) === 0) return targets;
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const newUnavailable = newRS === undefined ? 0 : specReplicas(newRS) - statusCount(newRS, 'availableReplicas');
  const maxScaledDown = sum(all, specReplicas) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return targets;

  let cleaned = 0;
  for (const rs of oldActive) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = specReplicas(rs) - statusCount(rs, 'availableReplicas');
    if (unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    targets.set(rs.metadata.name ?? '', specReplicas(rs) - down);
    cleaned += down;
  }

  // Availability after the cleanup: the cleaned pods were unavailable, so it is unchanged.
  const available = sum(all, (rs) => statusCount(rs, 'availableReplicas'));
  if (available <= minAvailable) return targets;
  let budget = available - minAvailable;
  for (const rs of oldActive) {
    if (budget <= 0) break;
    const current = size(rs);
    if (current === 0) continue;
    const down = Math.min(current, budget);
    targets.set(rs.metadata.name ?? '', current - down);
    budget -= down;
  }
  return targets;
}
