/**
 * Pod creation and deletion for the controllers that own pods by template (ReplicaSets,
 * ReplicationControllers, DaemonSets, Jobs), recording upstream's Events about the owner:
 * `SuccessfulCreate` "Created pod: <name>", `FailedCreate` (Warning) "Error creating: <the
 * apiserver's message>", `SuccessfulDelete` "Deleted pod: <name>", `FailedDelete` (Warning)
 * "Error deleting: <message>". A create refused because the namespace is being deleted, and a
 * delete of a pod that is gone already, record nothing: neither is the owner's problem.
 */
import type { KubeObject, Status } from '../../api/meta/types.ts';
import type { EventRecorder, ObjectReference, ResourceClient } from '../../client/index.ts';
import { isNotFound } from '../../client/index.ts';
import { errorMessage, isNamespaceTerminating } from './errors.ts';

/** Creates and deletes pods of owners; see the file comment. */
export class PodControl {
  readonly #pods: ResourceClient;
  readonly #events: EventRecorder;

  constructor(pods: ResourceClient, events: EventRecorder) {
    this.#pods = pods;
    this.#events = events;
  }

  /** Creates `pod` for `owner`; returns it as stored, or throws what the apiserver said. */
  async create(owner: ObjectReference, pod: KubeObject, signal: AbortSignal): Promise<KubeObject> {
    try {
      const created = await this.#pods.create(pod, { signal });
      this.#events.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      return created;
    } catch (err) {
      if (!signal.aborted && !isNamespaceTerminating(err)) this.#events.event(owner, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
  }

  /**
   * Deletes `pod` (only that incarnation: a uid precondition) for `owner`; returns what the
   * apiserver answered (the pod, marked for deletion or as it was), or undefined when it was
   * gone already.
   */
  async delete(owner: ObjectReference, pod: KubeObject, signal: AbortSignal): Promise<KubeObject | Status | undefined> {
    try {
      const gone = await this.#pods.delete(pod.metadata.name ?? '', { namespace: pod.metadata.namespace, preconditions: { uid: pod.metadata.uid }, signal });
      this.#events.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      return gone;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      if (!signal.aborted) this.#events.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
      throw err;
    }
  }
}
