/**
 * Compaction of the store's revision history, as upstream's apiserver does it: every interval,
 * compact to the revision that was current one interval ago. Clients that resume a watch or a
 * paginated list from a resourceVersion younger than one interval are unaffected; older ones
 * get 410 Expired and relist. Without it the store keeps every revision forever.
 *
 * Several apiservers sharing a store each run one: compacting to a revision at or below the
 * compaction point is a no-op (Storage.compact), so they never conflict.
 */
import type { Storage } from '../storage/storage.ts';

/** Upstream's default --etcd-compaction-interval. */
export const DEFAULT_COMPACTION_INTERVAL_MS = 5 * 60_000;

export class PeriodicCompactor {
  readonly #storage: Storage;
  readonly #log: (message: string) => void;
  /** The revision seen at the previous tick: what the next tick compacts to. */
  #previous: number | undefined;
  #running = false;

  constructor(storage: Storage, log: (message: string) => void) {
    this.#storage = storage;
    this.#log = log;
  }

  /**
   * One interval's work: compact to the revision the previous tick saw, then remember the current
   * one. A failure is logged and retried at the next tick. Overlapping calls are skipped.
   */
  async tick(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      const current = await this.#storage.currentRevision();
      if (this.#previous !== undefined && this.#previous > 0) await this.#storage.compact(this.#previous);
      this.#previous = current;
    } catch (err) {
      this.#log(`compaction failed (retried in one interval): ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.#running = false;
    }
  }

  /** Ticks every `intervalMs` until the returned function is called. */
  start(intervalMs: number): () => void {
    const timer = setInterval(() => void this.tick(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
