/**
 * The toleration checks the plugins share, on top of core/v1's single-toleration rule
 * (`toleratesTaint`): whether any of a pod's tolerations covers a taint, and the first taint
 * of a node that none does.
 */
import type { Taint, Toleration } from '../../api/core/v1/taints.ts';
import { toleratesTaint } from '../../api/core/v1/taints.ts';

/** Whether some toleration in `tolerations` tolerates `taint`. */
export function tolerated(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint passing `filter` that no toleration tolerates, or undefined. */
export function firstUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], filter: (t: Taint) => boolean): Taint | undefined {
  for (const taint of taints) if (filter(taint) && !tolerated(tolerations, taint)) return taint;
  return undefined;
}

/** The effects that keep pods off a node (PreferNoSchedule only scores). */
export function blocksScheduling(t: Taint): boolean {
  return t.effect === 'NoSchedule' || t.effect === 'NoExecute';
}
