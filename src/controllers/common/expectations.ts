/**
 * Write expectations: what keeps a controller from acting twice on one decision while its
 * informer is behind its own writes. After creating three pods a ReplicaSet's cache may still
 * show none for a moment; acting on that view would create three more.
 *
 * The rule here is level-based, with no counters to get out of step: each key remembers the
 * highest resourceVersion among the writes made for it, and its cache is "caught up" once the
 * informer has seen that version. k8ts resourceVersions are the store's global revision
 * (every write takes the next one), so a watch that has delivered version N has delivered
 * every earlier change of that resource type, whether the object still exists or not. A write
 * whose answer was lost has no version to wait for; the next reconcile may then repeat it, and
 * the controller corrects the surplus (upstream accepts the same).
 */
import type { Informer } from '../../client/index.ts';

function version(rv: string | undefined): bigint | undefined {
  if (rv === undefined || !/^\d+$/.test(rv)) return undefined;
  return BigInt(rv);
}

/** Per-key "wait until the cache has seen my writes"; see the file comment. */
export class WriteExpectations {
  /** key → highest resourceVersion written for it, by informer. */
  readonly #pending = new Map<string, Map<Informer<any>, bigint>>();

  /** Records a write for `key`, answered with `resourceVersion`, that `informer` will see. */
  expect(key: string, informer: Informer<any>, resourceVersion: string | undefined): void {
    const rv = version(resourceVersion);
    if (rv === undefined) return;
    let byInformer = this.#pending.get(key);
    if (byInformer === undefined) {
      byInformer = new Map();
      this.#pending.set(key, byInformer);
    }
    const prev = byInformer.get(informer);
    if (prev === undefined || rv > prev) byInformer.set(informer, rv);
  }

  /** Whether every informer has seen every write recorded for `key` (forgetting those it has). */
  satisfied(key: string): boolean {
    const byInformer = this.#pending.get(key);
    if (byInformer === undefined) return true;
    for (const [informer, rv] of byInformer) {
      const seen = version(informer.lastSyncResourceVersion);
      if (seen !== undefined && seen >= rv) byInformer.delete(informer);
    }
    if (byInformer.size > 0) return false;
    this.#pending.delete(key);
    return true;
  }

  /** Drops what is recorded for `key` (its object was deleted). */
  forget(key: string): void {
    this.#pending.delete(key);
  }
}
