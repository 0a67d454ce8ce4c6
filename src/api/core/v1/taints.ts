/**
 * Taints and tolerations: the well-known taints the node lifecycle controller manages, and
 * whether a pod's tolerations tolerate a taint (the matching rules of core/v1 Toleration).
 */
import { isObject, objects, str } from '../../meta/shape.ts';
import type { KubeObject } from '../../meta/types.ts';

/** The node's Ready condition is False. */
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
/** The node's Ready condition is Unknown: its kubelet stopped reporting. */
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** `spec.unschedulable` is true (kubectl cordon). */
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  /** When a NoExecute taint was added (RFC 3339). */
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: TaintEffect | '';
  tolerationSeconds?: number;
}

/** A node's taints. */
export function nodeTaints(node: KubeObject): Taint[] {
  return objects(isObject(node.spec) ? node.spec.taints : undefined) as Taint[];
}

/** A pod's tolerations. */
export function podTolerations(pod: KubeObject): Toleration[] {
  return objects(isObject(pod.spec) ? pod.spec.tolerations : undefined);
}

/**
 * Whether one toleration tolerates one taint: the effect matches (or is empty: all effects),
 * and the key matches — with `Exists` and an empty key tolerating every taint, `Exists` any
 * value of its key, and `Equal` (the default) only the same value.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (str(t.effect) !== '' && t.effect !== taint.effect) return false;
  const operator = t.operator ?? 'Equal';
  if (str(t.key) === '') return operator === 'Exists';
  if (t.key !== taint.key) return false;
  return operator === 'Exists' || str(t.value) === str(taint.value);
}

/** The tolerations among `tolerations` that tolerate `taint`. */
export function tolerationsFor(tolerations: readonly Toleration[], taint: Taint): Toleration[] {
  return tolerations.filter((t) => toleratesTaint(t, taint));
}
