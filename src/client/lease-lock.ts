/**
 * The resource a leader election is fought over: a coordination.k8s.io/v1 Lease, read and
 * written with compare-and-swap on its resourceVersion.
 */
import { leaseType } from '../api/coordination/v1/lease.ts';
import type { KubeObject } from '../api/meta/types.ts';
import type { Clientset } from './clientset.ts';
import { isNotFound } from './errors.ts';

/** The election state kept in a Lease's spec. */
export interface LeaderElectionRecord {
  /** The leader; '' when the lease was released. */
  holderIdentity: string;
  /** How long others must wait, after last seeing a renewal, before taking over. */
  leaseDurationSeconds: number;
  /** RFC 3339 with microseconds (metav1.MicroTime). */
  acquireTime: string;
  renewTime: string;
  /** How many times the holder changed. */
  leaseTransitions: number;
}

/** A coordination.k8s.io/v1 Lease, as far as leader election reads it. */
export interface Lease extends KubeObject {
  spec?: Partial<LeaderElectionRecord>;
}

/**
 * Storage for a LeaderElectionRecord with compare-and-swap.
 * - `get` resolves null when the lease does not exist.
 * - `create` rejects with ApiError 409 AlreadyExists when someone created it first.
 * - `update` writes only if the lease is still at `resourceVersion` (which must not be empty);
 *   otherwise it rejects with ApiError 409 Conflict.
 * Both writes resolve with the lease's new resourceVersion.
 */
export interface LeaseLock {
  get(signal: AbortSignal): Promise<{ record: LeaderElectionRecord; resourceVersion: string } | null>;
  create(record: LeaderElectionRecord, signal: AbortSignal): Promise<string>;
  update(record: LeaderElectionRecord, resourceVersion: string, signal: AbortSignal): Promise<string>;
  /** `namespace/name`, for logs. */
  readonly description: string;
}

/** Formats a Date as metav1.MicroTime (`2025-01-01T00:00:00.123000Z`). */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function recordOf(lease: Lease): LeaderElectionRecord {
  const s = lease.spec ?? {};
  return {
    holderIdentity: s.holderIdentity ?? '',
    leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
    acquireTime: s.acquireTime ?? '',
    renewTime: s.renewTime ?? '',
    leaseTransitions: s.leaseTransitions ?? 0,
  };
}

function specOf(record: LeaderElectionRecord): Partial<LeaderElectionRecord> {
  const spec: Partial<LeaderElectionRecord> = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
  };
  if (record.acquireTime !== '') spec.acquireTime = record.acquireTime;
  if (record.renewTime !== '') spec.renewTime = record.renewTime;
  return spec;
}

/**
 * A LeaseLock on the Lease `namespace/name`. Updates start from the last Lease read, so labels
 * and other metadata set by others are kept.
 *
 * Each HTTP attempt is bounded by `requestTimeoutMs`: an apiserver that stopped answering
 * (a stopped process, not a dead one) then costs one timeout, after which the same call moves
 * on to the next endpoint, well within a renew deadline. Cancelling through the signal alone
 * would leave the client on the hung endpoint.
 * @param opts.requestTimeoutMs @default 1000
 */
export function leaseLock(clientset: Clientset, namespace: string, name: string, opts: { requestTimeoutMs?: number } = {}): LeaseLock {
  const leases = clientset.resource<Lease>(leaseType);
  const timeoutMs = opts.requestTimeoutMs ?? 1000;
  let last: Lease | undefined;
  return {
    description: `${namespace}/${name}`,
    async get(signal) {
      try {
        last = await leases.get(name, { namespace, signal, timeoutMs });
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
      return { record: recordOf(last), resourceVersion: last.metadata.resourceVersion ?? '' };
    },
    async create(record, signal) {
      last = await leases.create({ metadata: { name, namespace }, spec: specOf(record) }, { signal, timeoutMs });
      return last.metadata.resourceVersion ?? '';
    },
    async update(record, resourceVersion, signal) {
      if (resourceVersion === '') throw new Error(`Cannot update lease ${namespace}/${name}: no resourceVersion to compare with`);
      const base: Lease = last ?? { metadata: { name, namespace } };
      last = await leases.update({ ...base, metadata: { ...base.metadata, name, namespace, resourceVersion }, spec: specOf(record) }, { signal, timeoutMs });
      return last.metadata.resourceVersion ?? '';
    },
  };
}
