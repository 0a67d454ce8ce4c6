/**
 * Records core/v1 Events about objects (what `kubectl describe` and `kubectl get events` show),
 * the way client-go's event recorder does:
 *
 * - Fire and forget: `event()` never blocks or throws. Writes go out in the background with a
 *   little concurrency, at most `qps` per second after a `burst` (client-go's defaults for
 *   components: 50 and 100), so a burst of thousands of events cannot take the apiserver's
 *   capacity from the component's real work; when more than `maxPending` wait, new events are
 *   dropped and counted, so recording never back-pressures the component.
 * - Aggregation: an event identical to a recent one (same object, type, reason and message)
 *   bumps that Event's `count` and `lastTimestamp` with a patch instead of creating another
 *   object, so a pod that fails to schedule every few seconds has one FailedScheduling Event
 *   with a growing count.
 */
import type { ResourceType } from '../api/resource-type.ts';
import type { KubeObject } from '../api/meta/types.ts';
import type { Clientset } from './clientset.ts';
import type { Clock } from './clock.ts';
import { realClock } from './clock.ts';
import { isNotFound } from './errors.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';

/** The core/v1 Event resource type (defined here so client/ stays free of the apiserver's registry). */
const EVENTS: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Event',
  resource: 'events',
  singular: 'event',
  listKind: 'EventList',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
};

/** What an Event is about (core/v1 ObjectReference). */
export interface ObjectReference {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** A reference to `obj`, whose kind and apiVersion are given (list items may not carry them). */
export function referenceTo(obj: KubeObject, kind: string, apiVersion: string): ObjectReference {
  const ref: ObjectReference = { kind, apiVersion, name: obj.metadata.name ?? '' };
  if (obj.metadata.namespace !== undefined) ref.namespace = obj.metadata.namespace;
  if (obj.metadata.uid !== undefined) ref.uid = obj.metadata.uid;
  if (obj.metadata.resourceVersion !== undefined) ref.resourceVersion = obj.metadata.resourceVersion;
  return ref;
}

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  clientset: Clientset;
  /** `source.component` and `reportingComponent`, e.g. `default-scheduler`. */
  component: string;
  /** `source.host` and `reportingInstance`, e.g. the node or process identity. */
  instance?: string;
  /** Events waiting to be written beyond which new ones are dropped. @default 1000 */
  maxPending?: number;
  /** Writes in flight at once. @default 4 */
  concurrency?: number;
  /** Sustained writes per second. @default 50 */
  qps?: number;
  /** Writes allowed at once before `qps` applies. @default 100 */
  burst?: number;
  /** How long an identical event is aggregated into the previous one, ms. @default 600000 */
  aggregationWindowMs?: number;
  /** @default realClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

interface Recent {
  namespace: string;
  name: string;
  count: number;
  lastSeen: number;
}

const MAX_MESSAGE = 1024;
const MAX_REMEMBERED = 4096;

/** metav1.Time: RFC 3339 in whole seconds. */
function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Records Events; see the file comment. */
export class EventRecorder {
  readonly #clientset: Clientset;
  readonly #component: string;
  readonly #instance: string | undefined;
  readonly #maxPending: number;
  readonly #concurrency: number;
  readonly #windowMs: number;
  readonly #qps: number;
  readonly #burst: number;
  #tokens: number;
  #refilledAt: number;
  #refillAbort: AbortController | undefined;
  #closed = false;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #pending: Array<() => Promise<void>> = [];
  /** Aggregation keys → the Event they went into; Map order is insertion order (oldest first). */
  readonly #recent = new Map<string, Recent>();
  #active = 0;
  #dropped = 0;
  #idleWaiters: Array<() => void> = [];
  #seq = 0;

  constructor(opts: EventRecorderOptions) {
    this.#clientset = opts.clientset;
    this.#component = opts.component;
    this.#instance = opts.instance;
    this.#maxPending = opts.maxPending ?? 1000;
    this.#concurrency = opts.concurrency ?? 4;
    this.#windowMs = opts.aggregationWindowMs ?? 600_000;
    this.#clock = opts.clock ?? realClock;
    this.#logger = opts.logger ?? silentLogger;
    this.#qps = opts.qps ?? 50;
    this.#burst = opts.burst ?? 100;
    this.#tokens = this.#burst;
    this.#refilledAt = this.#clock.now();
  }

  /** How many events were dropped because too many were waiting. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Records an event about `ref`; returns at once. */
  event(ref: ObjectReference, type: EventType, reason: string, message: string): void {
    if (this.#closed) return;
    if (this.#pending.length >= this.#maxPending) {
      this.#dropped++;
      if (this.#dropped === 1 || this.#dropped % 1000 === 0) this.#logger.warn('dropping events: too many waiting to be written', { dropped: this.#dropped });
      return;
    }
    const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message;
    this.#pending.push(() => this.#write(ref, type, reason, text));
    this.#pump();
  }

  /**
   * Stops recording: events still waiting are dropped (and counted), later ones are ignored.
   * Writes in flight finish on their own.
   */
  close(): void {
    this.#closed = true;
    this.#dropped += this.#pending.length;
    this.#pending.length = 0;
    this.#refillAbort?.abort();
    this.#settleIdle();
  }

  /** Resolves once every event recorded so far has been written (or failed). */
  flush(): Promise<void> {
    if (this.#active === 0 && this.#pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Takes a write token if one is left; otherwise arranges a pump when the next one is due. */
  #takeToken(): boolean {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#refilledAt) * this.#qps) / 1000);
    this.#refilledAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    if (this.#refillAbort === undefined) {
      const abort = (this.#refillAbort = new AbortController());
      this.#clock.sleep(((1 - this.#tokens) * 1000) / this.#qps, abort.signal).then(
        () => {
          this.#refillAbort = undefined;
          this.#pump();
        },
        () => undefined,
      );
    }
    return false;
  }

  #pump(): void {
    while (this.#active < this.#concurrency && this.#pending.length > 0) {
      if (!this.#takeToken()) return;
      const job = this.#pending.shift()!;
      this.#active++;
      void job()
        .catch((err: unknown) => this.#logger.warn('failed to write an event', { error: err instanceof Error ? err.message : String(err) }))
        .finally(() => {
          this.#active--;
          this.#pump();
          this.#settleIdle();
        });
    }
  }

  #settleIdle(): void {
    if (this.#active !== 0 || this.#pending.length !== 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  async #write(ref: ObjectReference, type: EventType, reason: string, message: string): Promise<void> {
    const client = this.#clientset.resource(EVENTS);
    const namespace = ref.namespace !== undefined && ref.namespace !== '' ? ref.namespace : 'default';
    const key = `${ref.uid ?? `${namespace}/${ref.kind}/${ref.name}`}\u0000${type}\u0000${reason}\u0000${message}`;
    const now = this.#clock.wallNow();
    const recent = this.#recent.get(key);
    if (recent !== undefined && this.#clock.now() - recent.lastSeen < this.#windowMs) {
      recent.count++;
      recent.lastSeen = this.#clock.now();
      try {
        await client.patch(recent.name, { count: recent.count, lastTimestamp: timestamp(now) }, { namespace: recent.namespace });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // The Event was deleted (expired or cleaned up): start a new one.
      }
    }
    const name = `${ref.name}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(this.#seq++ % 1_000_000)).toString(16)}`;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source: this.#instance === undefined ? { component: this.#component } : { component: this.#component, host: this.#instance },
      firstTimestamp: timestamp(now),
      lastTimestamp: timestamp(now),
      count: 1,
      reportingComponent: this.#component,
      reportingInstance: this.#instance ?? '',
    };
    this.#remember(key, { namespace, name, count: 1, lastSeen: this.#clock.now() });
    await client.create(event);
  }

  #remember(key: string, entry: Recent): void {
    this.#recent.delete(key);
    this.#recent.set(key, entry);
    if (this.#recent.size > MAX_REMEMBERED) this.#recent.delete(this.#recent.keys().next().value as string);
  }
}
