/**
 * Runs one etcd call within a time budget, retrying on another member when that is safe:
 * idempotent calls on any transient failure, writes only when the failure proves the request
 * never left (see isNeverSentError). A write that may have been applied is never repeated: it fails with
 * StorageUnavailableError, as an etcd client would, and the caller decides.
 */
import type { CallOptions } from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageClosedError, StorageUnavailableError } from '../errors.ts';
import { isNeverSentError, isTransientError, toStorageError } from './etcd-errors.ts';

/**
 * `idempotent`: repeating the call is harmless (reads, compaction), so any transient failure is
 * retried. `write`: the call may be applied at most once, so it is retried only when it surely
 * never reached etcd.
 */
export type CallKind = 'idempotent' | 'write';

/** What a call needs to know about the store it runs for. */
export interface CallScope {
  /** True once the store is closed. */
  readonly isClosed: () => boolean;
  /**
   * Registers `hook` to run when the store closes; returns the function that unregisters it.
   * (Not a shared "closed" promise to race against: every race would leave a reaction on that
   * never-settling promise, holding the call's result, for the life of the store.)
   */
  readonly onClose: (hook: () => void) => () => void;
}

/** `call`'s outcome, or StorageClosedError as soon as the store closes. */
function unlessClosed<T>(scope: CallScope, call: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const unregister = scope.onClose(() => reject(new StorageClosedError()));
    call.then(
      (value) => {
        unregister();
        resolve(value);
      },
      (err: unknown) => {
        unregister();
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

const firstBackoffMs = 25;
const maxBackoffMs = 400;

/**
 * Calls `fn` (with a gRPC deadline at the end of the budget) until it succeeds, fails for good,
 * or the budget runs out. Etcd-specific failures (compaction, future revision) come back as they
 * are, for the caller to translate; transient ones become StorageUnavailableError.
 */
export async function callWithRetry<T>(
  scope: CallScope,
  kind: CallKind,
  budgetMs: number,
  fn: (options: CallOptions) => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + budgetMs;
  let backoff = firstBackoffMs;
  for (;;) {
    if (scope.isClosed()) throw new StorageClosedError();
    try {
      return await unlessClosed(scope, fn({ deadline: new Date(deadline) }));
    } catch (err) {
      if (scope.isClosed()) throw new StorageClosedError();
      if (!isTransientError(err)) throw err;
      if (kind === 'write' && !isNeverSentError(err)) throw toStorageError(err);
      const remaining = deadline - Date.now();
      if (remaining <= backoff) {
        throw new StorageUnavailableError(`etcd unavailable after ${budgetMs} ms: ${(err as Error).message}`, { cause: err });
      }
      await sleep(backoff);
      backoff = Math.min(backoff * 2, maxBackoffMs);
    }
  }
}
