/**
 * The reflector keeps a sink (the informer's cache) equal to the server's state of one
 * collection: list, then watch from the list's resourceVersion, and repeat.
 *
 * - A watch that ends normally (server timeout, apiserver shutdown) is reopened at once from
 *   the last resourceVersion seen (events and BOOKMARKs both advance it), so nothing is missed
 *   and nothing is listed again.
 * - A 410 (an ERROR event with code 410, or an HTTP 410 answer to the watch) means the server
 *   no longer has history back to that version: list again, and let the sink reconcile.
 * - Any other failure waits an exponential backoff, then re-watches (or re-lists if no list
 *   succeeded yet). A watch that ends at once with no events also backs off, so a server that
 *   keeps closing streams cannot cause a tight loop.
 * - Each watch asks the server to end it after a random 5–10 minutes (as client-go does), and
 *   is abandoned client-side 30 s after that, so a hung connection cannot stall the cache.
 */
import type { KubeList, KubeObject } from '../api/meta/types.ts';
import type { BackoffOptions } from './backoff.ts';
import { Backoff } from './backoff.ts';
import type { Clock } from './clock.ts';
import { pause, realClock } from './clock.ts';
import { ApiError, isResourceExpired } from './errors.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';
import type { ResourceClient } from './resource-client.ts';
import type { WatchEvent } from './watch-decoder.ts';

/** The two calls a reflector needs; `listerWatcherFor` builds one from a ResourceClient. */
export interface ListerWatcher<T extends KubeObject> {
  /** The complete collection (all pages), with the resourceVersion it reflects. */
  list(opts: { signal: AbortSignal }): Promise<KubeList<T>>;
  watch(opts: { resourceVersion: string; allowWatchBookmarks: boolean; timeoutSeconds: number; signal: AbortSignal }): Promise<AsyncIterable<WatchEvent<T>>>;
}

/** A ListerWatcher over a ResourceClient, optionally scoped by namespace and selectors. */
export function listerWatcherFor<T extends KubeObject>(
  client: ResourceClient<T>,
  scope: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {},
): ListerWatcher<T> {
  return {
    list: ({ signal }) => client.listAll({ ...scope, signal }),
    watch: (opts) => client.watch({ ...scope, ...opts }),
  };
}

/** Where the reflector writes. */
export interface ReflectorSink<T extends KubeObject> {
  /** The complete current state, after each list. */
  replace(items: T[], resourceVersion: string): void;
  /** One change from the watch. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void;
}

/** Source, sink and pacing of a reflector. */
export interface ReflectorOptions<T extends KubeObject> {
  listerWatcher: ListerWatcher<T>;
  sink: ReflectorSink<T>;
  /** For log messages, e.g. `v1/configmaps`. */
  name?: string;
  /** @default realClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /** Retry pacing after failures. @default { initialMs: 200, maxMs: 30000 } */
  backoff?: BackoffOptions;
  /** Watches last a random time in [min, 2·min) seconds. @default 300 */
  minWatchTimeoutSeconds?: number;
  /** @default Math.random */
  random?: () => number;
}

/** How long a watch with no events must have lasted for its end to count as normal. */
const SHORT_WATCH_MS = 1000;
/** Slack after the server-side watch timeout before the client gives up on the stream. */
const WATCH_DEADLINE_SLACK_S = 30;

type WatchOutcome = 'ended' | 'short' | 'expired';

/** Keeps one sink in step with one collection; see the file comment for the rules. */
export class Reflector<T extends KubeObject> {
  readonly #lw: ListerWatcher<T>;
  readonly #sink: ReflectorSink<T>;
  readonly #name: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #backoff: Backoff;
  readonly #minWatchTimeoutS: number;
  readonly #random: () => number;
  /** The last resourceVersion seen (list, event or bookmark); '' before the first list. */
  #resourceVersion = '';

  constructor(opts: ReflectorOptions<T>) {
    this.#lw = opts.listerWatcher;
    this.#sink = opts.sink;
    this.#name = opts.name ?? 'reflector';
    this.#clock = opts.clock ?? realClock;
    this.#logger = opts.logger ?? silentLogger;
    this.#random = opts.random ?? Math.random;
    this.#backoff = new Backoff({ random: this.#random, ...opts.backoff });
    this.#minWatchTimeoutS = opts.minWatchTimeoutSeconds ?? 300;
  }

  /** The resourceVersion the cache reflects. */
  get lastSyncResourceVersion(): string {
    return this.#resourceVersion;
  }

  /** Lists and watches until `signal` aborts. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    while (!signal.aborted) {
      if (needList) {
        try {
          const list = await this.#lw.list({ signal });
          this.#resourceVersion = list.metadata.resourceVersion ?? '';
          this.#sink.replace(list.items, this.#resourceVersion);
          this.#backoff.reset();
          needList = false;
        } catch (err) {
          if (signal.aborted) break;
          this.#logger.warn('list failed', { reflector: this.#name, error: err });
          if (!(await pause(this.#clock, this.#backoff.next(), signal))) break;
          continue;
        }
      }
      let outcome: WatchOutcome;
      try {
        outcome = await this.#watchOnce(signal);
      } catch (err) {
        if (signal.aborted) break;
        if (isResourceExpired(err)) {
          needList = true;
          continue;
        }
        this.#logger.warn('watch failed', { reflector: this.#name, resourceVersion: this.#resourceVersion, error: err });
        if (!(await pause(this.#clock, this.#backoff.next(), signal))) break;
        continue;
      }
      if (outcome === 'expired') {
        this.#logger.info('resourceVersion expired; relisting', { reflector: this.#name, resourceVersion: this.#resourceVersion });
        needList = true;
      } else if (outcome === 'short') {
        if (!(await pause(this.#clock, this.#backoff.next(), signal))) break;
      }
    }
  }

  async #watchOnce(signal: AbortSignal): Promise<WatchOutcome> {
    const timeoutSeconds = Math.floor(this.#minWatchTimeoutS * (1 + this.#random()));
    const deadline = new AbortController();
    const watchSignal = AbortSignal.any([signal, deadline.signal]);
    this.#clock.sleep((timeoutSeconds + WATCH_DEADLINE_SLACK_S) * 1000, watchSignal).then(
      () => deadline.abort(new Error('watch outlived its deadline')),
      () => undefined,
    );
    const started = this.#clock.now();
    let events = 0;
    try {
      const stream = await this.#lw.watch({ resourceVersion: this.#resourceVersion, allowWatchBookmarks: true, timeoutSeconds, signal: watchSignal });
      for await (const ev of stream) {
        if (ev.type === 'ERROR') {
          if (isResourceExpired(new ApiError(ev.object))) return 'expired';
          throw new ApiError(ev.object);
        }
        // The version moves before the sink hears of the event, so that anyone the sink wakes
        // sees a cache that counts as caught up with this event (see lastSyncResourceVersion).
        const rv = ev.object.metadata.resourceVersion;
        if (rv !== undefined && rv !== '') this.#resourceVersion = rv;
        if (ev.type !== 'BOOKMARK') this.#sink.apply(ev.type, ev.object);
        if (events++ === 0) this.#backoff.reset();
      }
    } finally {
      deadline.abort();
    }
    return events === 0 && this.#clock.now() - started < SHORT_WATCH_MS && !signal.aborted ? 'short' : 'ended';
  }
}
