/**
 * Taints and tolerations (core/v1): the well-known taint keys and whether a pod's tolerations
 * tolerate a node's taint. Used by the scheduler (filtering and scoring), and by anything that
 * evicts pods from tainted nodes.
 */
import { isObject, objects, str } from '../../meta/shape.ts';

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** A node taint as found in `spec.taints`. */
export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: string;
}

/** A pod toleration as found in `spec.tolerations`. */
export interface Toleration {
  readonly key: string;
  /** `Exists` or `Equal` ('' means Equal). */
  readonly operator: string;
  readonly value: string;
  /** '' tolerates every effect. */
  readonly effect: string;
  readonly tolerationSeconds?: number;
}

/** Set by the node lifecycle controller on nodes whose Ready condition is False. */
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
/** Set on nodes whose Ready condition is Unknown (the kubelet stopped reporting). */
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** Stands for `spec.unschedulable: true` (cordoned nodes). */
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** The taints of a node object (malformed entries are skipped). */
export function nodeTaints(node: { spec?: unknown }): Taint[] {
  const spec = isObject(node.spec) ? node.spec : {};
  return objects(spec.taints)
    .filter((t) => str(t.key) !== '' && str(t.effect) !== '')
    .map((t) => ({ key: str(t.key), value: str(t.value), effect: str(t.effect) }));
}

/** The tolerations of a pod object (malformed entries are skipped). */
export function podTolerations(pod: { spec?: unknown }): Toleration[] {
  const spec = isObject(pod.spec) ? pod.spec : {};
  return objects(spec.tolerations).map((t) => {
    const out: { key: string; operator: string; value: string; effect: string; tolerationSeconds?: number } = {
      key: str(t.key),
      operator: str(t.operator),
      value: str(t.value),
      effect: str(t.effect),
    };
    if (typeof t.tolerationSeconds === 'number') out.tolerationSeconds = t.tolerationSeconds;
    return out;
  });
}

/**
 * Whether one toleration tolerates `taint`: the effects agree (an empty toleration effect
 * matches all), the keys agree (an empty key matches every key; validation allows it only
 * with `Exists`), and with `Equal` the values agree.
 */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== '' && toleration.effect !== taint.effect) return false;
  if (toleration.key !== '' && toleration.key !== taint.key) return false;
  switch (toleration.operator) {
    case 'Exists':
      return true;
    case '':
    case 'Equal':
      return toleration.value === taint.value;
    default:
      return false;
  }
}

/** Whether any of `tolerations` tolerates `taint`. */
export function tolerationsTolerateTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/**
 * The first taint among `taints` that passes `filter` and that no toleration tolerates, or
 * undefined when all of them are tolerated.
 */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], filter: (t: Taint) => boolean): Taint | undefined {
  for (const taint of taints) {
    if (filter(taint) && !tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}
