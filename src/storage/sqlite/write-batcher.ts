/**
 * Group commit: writes submitted during one turn of the event loop are applied together in one
 * transaction, in submission order, at the end of that turn (a `setImmediate`). A commit's cost
 * (the WAL frames of the pages it touched, the lock round trip) is then shared by every write of
 * the batch, which multiplies throughput when many requests write at once, and adds no waiting
 * when one writes alone. Each write's promise settles only after its transaction committed, so
 * an acknowledged write is in the WAL (see schema.ts on durability).
 */
import { StorageClosedError } from '../errors.ts';
import type { WriteResult } from '../storage.ts';
import type { AppliedBatch, RevisionLog, WriteOp } from './revision-log.ts';

interface Pending {
  readonly op: WriteOp;
  readonly resolve: (result: WriteResult) => void;
  readonly reject: (err: unknown) => void;
}

export interface WriteBatcherOptions {
  /** Most writes per transaction, so another process waiting for the write lock is not held up long. */
  readonly maxBatch: number;
  /** Called after each committed transaction, before its writes' promises settle (to feed the watches). */
  readonly onCommit: (batch: AppliedBatch) => void;
  /** Turns a failure of a whole transaction into the error its writes reject with. */
  readonly mapError: (err: unknown) => unknown;
}

export class WriteBatcher {
  readonly #log: RevisionLog;
  readonly #opts: WriteBatcherOptions;
  #queue: Pending[] = [];
  #scheduled: NodeJS.Immediate | undefined;

  constructor(log: RevisionLog, opts: WriteBatcherOptions) {
    this.#log = log;
    this.#opts = opts;
  }

  /** Queues a write for the next group commit. */
  submit(op: WriteOp): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      this.#queue.push({ op, resolve, reject });
      this.#scheduled ??= setImmediate(() => this.#flush());
    });
  }

  /** Rejects every queued write with StorageClosedError (none of them was applied). */
  close(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const queue = this.#queue;
    this.#queue = [];
    for (const pending of queue) pending.reject(new StorageClosedError());
  }

  #flush(): void {
    this.#scheduled = undefined;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#opts.maxBatch);
      let applied: AppliedBatch;
      try {
        applied = this.#log.apply(batch.map((p) => p.op));
      } catch (err) {
        const error = this.#opts.mapError(err);
        for (const pending of batch) pending.reject(error);
        continue;
      }
      this.#opts.onCommit(applied);
      batch.forEach((pending, i) => {
        const outcome = applied.outcomes[i]!;
        if (outcome.ok) pending.resolve(outcome.result);
        else pending.reject(outcome.error);
      });
    }
  }
}
