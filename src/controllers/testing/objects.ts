/**
 * Small builders of the objects controller tests store in the FakeApi, and a fake kubelet's
 * moves (bind, run, ready). For tests only.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { podType } from '../../api/core/v1/pod.ts';
import type { FakeApi } from '../../client/testing/fake-api.ts';

/** A pod template with one container and the given labels. */
export function template(labels: Record<string, string>, image = 'app:1'): Record<string, unknown> {
  return { metadata: { labels }, spec: { containers: [{ name: 'app', image }], restartPolicy: 'Always' } };
}

/** A ReplicaSet selecting `labels`. */
export function replicaSet(name: string, replicas: number, labels: Record<string, string> = { app: name }, extra: Record<string, unknown> = {}): KubeObject {
  return { metadata: { namespace: 'ns', name }, spec: { replicas, selector: { matchLabels: labels }, template: template(labels), ...extra } };
}

/** A bare pod in namespace `ns`. */
export function pod(name: string, labels: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject {
  return { metadata: { namespace: 'ns', name, labels }, spec: { containers: [{ name: 'app', image: 'app:1' }] }, status: { phase: 'Pending' }, ...extra };
}

/**
 * Marks a stored pod Running with a Ready condition of `ready`, transitioned at `at`, as a
 * kubelet would through pods/status.
 */
export function markPod(api: FakeApi, p: KubeObject, ready: boolean, at: Date, extraStatus: Record<string, unknown> = {}): KubeObject {
  const stamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const current = api.get(podType, p.metadata.namespace, p.metadata.name ?? '') ?? p;
  return api.put(podType, {
    ...current,
    status: {
      ...current.status,
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: stamp },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: stamp },
      ],
      ...extraStatus,
    },
  });
}
