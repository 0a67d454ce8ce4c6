/**
 * DefaultBinder: binds a pod with `POST pods/<name>/binding` (a Binding naming the node), which
 * sets `spec.nodeName` and the PodScheduled=True condition in one write. The request is made
 * only while the scheduler may act (fencing against a lost leadership), and is cancelled when
 * the scheduler stops.
 */
import { podType } from '../../api/core/v1/pod.ts';
import type { BindPlugin, FrameworkHandle } from '../framework/interface.ts';
import type { PluginResult } from '../framework/status.ts';
import { errorStatus } from '../framework/status.ts';

export const DEFAULT_BINDER = 'DefaultBinder';

export function newDefaultBinder(handle: FrameworkHandle): BindPlugin {
  return {
    name: DEFAULT_BINDER,
    async bind(_state, pod, nodeName, signal): Promise<PluginResult> {
      const clientset = handle.clientset;
      if (clientset === undefined) return errorStatus('cannot bind: the scheduler has no API client');
      if (!handle.mayAct() || signal.aborted) return errorStatus('cannot bind: this scheduler is no longer leading');
      const binding = {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: pod.name, namespace: pod.namespace, uid: pod.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      };
      await clientset.resource(podType).createSubresource(pod.name, 'binding', binding, { namespace: pod.namespace, signal });
      return null;
    },
  };
}
