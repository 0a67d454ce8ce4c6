/**
 * One informer per (resource type, scope) for a whole process, so that several controllers
 * watching Pods share one list+watch and one cache.
 */
import type { KubeObject } from '../api/meta/types.ts';
import type { ResourceType } from '../api/resource-type.ts';
import { apiVersionOf } from '../api/resource-type.ts';
import type { BackoffOptions } from './backoff.ts';
import type { Clientset } from './clientset.ts';
import type { Clock } from './clock.ts';
import { realClock } from './clock.ts';
import { Informer } from './informer.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';
import { metadataOnly } from './metadata-only.ts';
import { listerWatcherFor } from './reflector.ts';

/** Narrows what an informer lists and watches. */
export interface InformerScope {
  /** Only this namespace; all namespaces when unset. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Cache only apiVersion, kind and metadata of each object (see metadata-only.ts). */
  metadataOnly?: boolean;
}

/** Settings every informer of the factory shares. */
export interface SharedInformerFactoryOptions {
  /** @default realClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
  backoff?: BackoffOptions;
}

/** Creates informers on demand, one per (type, scope), and starts and syncs them together. */
export class SharedInformerFactory {
  readonly #clientset: Clientset;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #backoff: BackoffOptions | undefined;
  readonly #informers = new Map<string, Informer<KubeObject>>();
  /** Run promises of started informers, by key. Invariant: keys ⊆ #informers keys. */
  readonly #running = new Map<string, Promise<void>>();
  /** While `recordUsage` runs: every informer handed out. */
  #recording: Set<Informer<KubeObject>> | undefined;

  constructor(clientset: Clientset, opts: SharedInformerFactoryOptions = {}) {
    this.#clientset = clientset;
    this.#clock = opts.clock ?? realClock;
    this.#logger = opts.logger ?? silentLogger;
    this.#backoff = opts.backoff;
  }

  /** The shared informer for `type` in `scope`, created (not started) on first request. */
  informerFor<T extends KubeObject = KubeObject>(type: ResourceType, scope: InformerScope = {}): Informer<T> {
    const name = `${apiVersionOf(type)}/${type.resource}`;
    const { metadataOnly: trimmed = false, ...selection } = scope;
    const key = `${name}?ns=${selection.namespace ?? ''}&l=${selection.labelSelector ?? ''}&f=${selection.fieldSelector ?? ''}&m=${trimmed}`;
    let informer = this.#informers.get(key);
    if (informer === undefined) {
      const full = listerWatcherFor(this.#clientset.resource(type), selection);
      informer = new Informer<KubeObject>({
        listerWatcher: trimmed ? metadataOnly(full) : full,
        name,
        clock: this.#clock,
        logger: this.#logger,
        ...(this.#backoff === undefined ? {} : { backoff: this.#backoff }),
      });
      this.#informers.set(key, informer);
    }
    this.#recording?.add(informer);
    return informer as unknown as Informer<T>;
  }

  /**
   * Runs `fn` (synchronously) and reports which informers it asked for, so that a component
   * can wait for the caches it reads and not for every cache of the process (one of which may
   * never sync, e.g. for a type the server does not serve).
   */
  recordUsage<R>(fn: () => R): { result: R; informers: Informer<KubeObject>[] } {
    const outer = this.#recording;
    const used = new Set<Informer<KubeObject>>();
    this.#recording = used;
    try {
      const result = fn();
      return { result, informers: [...used] };
    } finally {
      this.#recording = outer;
      if (outer !== undefined) for (const i of used) outer.add(i);
    }
  }

  /** Starts every informer not started yet; they stop when `signal` aborts. Call again after adding informers. */
  start(signal: AbortSignal): void {
    for (const [key, informer] of this.#informers) {
      if (this.#running.has(key)) continue;
      this.#running.set(
        key,
        informer.run(signal).catch((err: unknown) => this.#logger.error('informer stopped with an error', { informer: key, error: err })),
      );
    }
  }

  /** Resolves true once every informer created so far has synced, or false if `signal` aborts first. */
  async waitForCacheSync(signal: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.#informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Resolves when every started informer has stopped (after their signal aborted). */
  async stopped(): Promise<void> {
    await Promise.all(this.#running.values());
  }
}
