/**
 * The node heartbeat: Lease `kube-node-lease/<node>` (holder = the node, duration 40 s, owned by
 * the Node so it goes when the node does), its renewTime moved forward on every renewal. A
 * renewal is one compare-and-swap PUT of the cached lease; a conflict re-reads it, a missing
 * lease is created.
 */
import { leaseType } from '../../api/coordination/v1/lease.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { isAlreadyExists, isConflict, isNotFound, microTime, type Clientset } from '../../client/index.ts';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const NODE_LEASE_DURATION_SECONDS = 40;

export class NodeLease {
  readonly #clientset: Clientset;
  readonly #nodeName: string;
  #nodeUid: string | undefined;
  #cached: KubeObject | undefined;

  constructor(clientset: Clientset, nodeName: string) {
    this.#clientset = clientset;
    this.#nodeName = nodeName;
  }

  /** The node's uid, for the lease's owner reference (set once the node is registered). */
  set nodeUid(uid: string | undefined) {
    this.#nodeUid = uid;
  }

  /** Renews (or creates) the lease with renewTime `now`. @throws the API error when it cannot */
  async renew(now: Date, signal?: AbortSignal): Promise<void> {
    const leases = this.#clientset.resource(leaseType);
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.#cached === undefined) {
        try {
          this.#cached = await leases.get(this.#nodeName, { namespace: NODE_LEASE_NAMESPACE, ...(signal ? { signal } : {}) });
        } catch (err) {
          if (!isNotFound(err)) throw err;
          try {
            this.#cached = await leases.create(this.#newLease(now), { namespace: NODE_LEASE_NAMESPACE, ...(signal ? { signal } : {}) });
            return;
          } catch (createErr) {
            if (!isAlreadyExists(createErr)) throw createErr;
            continue;
          }
        }
      }
      const next: KubeObject = structuredClone(this.#cached);
      next.spec = { ...(next.spec ?? {}), holderIdentity: this.#nodeName, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: microTime(now) };
      if ((next.metadata.ownerReferences ?? []).length === 0 && this.#nodeUid !== undefined) next.metadata.ownerReferences = [this.#ownerRef()];
      try {
        this.#cached = await leases.update(next, signal ? { signal } : {});
        return;
      } catch (err) {
        this.#cached = undefined;
        if (!isConflict(err) && !isNotFound(err)) throw err;
      }
    }
    throw new Error(`cannot renew the lease of node ${this.#nodeName}: it keeps changing under us`);
  }

  #ownerRef(): { apiVersion: string; kind: string; name: string; uid: string } {
    return { apiVersion: 'v1', kind: 'Node', name: this.#nodeName, uid: this.#nodeUid ?? '' };
  }

  #newLease(now: Date): KubeObject {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.#nodeName,
        namespace: NODE_LEASE_NAMESPACE,
        ...(this.#nodeUid === undefined ? {} : { ownerReferences: [this.#ownerRef()] }),
      },
      spec: { holderIdentity: this.#nodeName, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: microTime(now) },
    };
  }
}
