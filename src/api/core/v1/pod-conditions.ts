/**
 * A pod's status conditions as everyone reads them: the apiserver (evictions decide by
 * readiness) and the controllers (src/controllers/common/pod-state.ts builds on these).
 */
import { isObject, objects } from '../../meta/shape.ts';
import type { KubeObject } from '../../meta/types.ts';

/** One entry of `status.conditions` by type. */
export function podCondition(pod: KubeObject, type: string): Record<string, any> | undefined {
  return objects(isObject(pod.status) ? pod.status.conditions : undefined).find((c) => c.type === type);
}

/** Whether the Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}
