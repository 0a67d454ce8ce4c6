/**
 * Classifies errors from etcd and the gRPC layer: which mean a revision is compacted or in the
 * future, which are worth retrying, and which prove a request never reached a member (the only
 * case where a write may be retried without risking a double apply).
 */
import { isBrokenCircuitError } from 'cockatiel';
import { isRecoverableError } from 'etcd3';
import { StorageError, StorageUnavailableError } from '../errors.ts';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** etcd refused a read at a revision older than its compaction point. */
export function isCompactedError(err: unknown): boolean {
  return messageOf(err).includes('mvcc: required revision has been compacted');
}

/** etcd refused a read at a revision it has not reached yet. */
export function isFutureRevisionError(err: unknown): boolean {
  return messageOf(err).includes('mvcc: required revision is a future revision');
}

/** A failure of the connection or of the cluster (no leader, timeout), not of the request itself. */
export function isTransientError(err: unknown): boolean {
  return err instanceof Error && (isBrokenCircuitError(err) || isRecoverableError(err));
}

/**
 * The request was never handed to etcd: every member's circuit was open, no connection could be
 * made, or the member rejected it up front for having no leader (the require-leader check runs
 * before the request is processed). Anything else that fails after sending (a dropped
 * connection, a deadline, "leader changed", "request timed out") may or may not have been applied.
 */
export function isNeverSentError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (isBrokenCircuitError(err)) return true;
  const message = err.message;
  return message.includes('No connection established') || message.includes('etcdserver: no leader');
}

/** The storage error to throw for an etcd failure with no more specific meaning. */
export function toStorageError(err: unknown): Error {
  if (err instanceof StorageError) return err;
  if (isTransientError(err)) return new StorageUnavailableError(`etcd unavailable: ${messageOf(err)}`, { cause: err });
  return new StorageError(`etcd: ${messageOf(err)}`, { cause: err });
}
