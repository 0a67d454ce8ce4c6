/**
 * The tolerations every new pod gets for the `not-ready` and `unreachable` NoExecute taints,
 * unless it brings its own (upstream's DefaultTolerationSeconds admission, done here at pod
 * creation). They decide how long a pod stays on a node that stopped reporting before it is
 * evicted: k8ts defaults to 30 s (Kubernetes: 300 s), for fast recovery on small clusters; the
 * apiserver flags `--default-not-ready-toleration-seconds` and
 * `--default-unreachable-toleration-seconds` change it.
 */
import { isObject, objects, str } from '../../meta/shape.ts';
import type { KubeObject } from '../../meta/types.ts';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from './taints.ts';

/** Seconds a pod tolerates each taint by default. */
export interface DefaultTolerationSeconds {
  readonly notReady: number;
  readonly unreachable: number;
}

export const DEFAULT_TOLERATION_SECONDS: DefaultTolerationSeconds = { notReady: 30, unreachable: 30 };

/** Whether some toleration already covers NoExecute taints with `key` (an empty key or effect covers all). */
function covers(tolerations: readonly Record<string, unknown>[], key: string): boolean {
  return tolerations.some((t) => (str(t.key) === key || str(t.key) === '') && (t.effect === 'NoExecute' || str(t.effect) === ''));
}

/** Adds the default tolerations to a new pod's spec (see the file comment). */
export function addDefaultTolerations(pod: KubeObject, seconds: DefaultTolerationSeconds = DEFAULT_TOLERATION_SECONDS): void {
  if (!isObject(pod.spec)) return;
  const tolerations = objects(pod.spec.tolerations);
  const added = [...tolerations];
  if (!covers(tolerations, TAINT_NOT_READY)) added.push({ key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds.notReady });
  if (!covers(tolerations, TAINT_UNREACHABLE)) added.push({ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds.unreachable });
  if (added.length !== tolerations.length) pod.spec.tolerations = added;
}
