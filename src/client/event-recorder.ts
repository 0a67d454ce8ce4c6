/**
 * Records core/v1 Events about objects (what `kubectl describe` and `kubectl events` show), the
 * way client-go's event broadcaster does. One EventBroadcaster per process (or controller
 * manager) owns the writing; each component records through a recorder of its own, which names
 * it as the Events' `source.component` and `reportingComponent`.
 *
 * - Fire and forget: `event()` never blocks or throws. Writes go out in the background with a
 *   little concurrency, at most `qps` per second after a `burst` (client-go's defaults for
 *   components: 50 and 100), so a burst of thousands of events cannot take the apiserver's
 *   capacity from the component's real work; when more than `maxPending` Events wait to be
 *   written, new ones are dropped and counted, so recording never back-pressures a component.
 * - Aggregation (event-correlator.ts): an occurrence identical to a recent one bumps that
 *   Event's `count`, `lastTimestamp` and `message` with a patch instead of creating another
 *   object; similar ones with changing messages are combined after a few.
 * - Coalescing and a per-Event budget: an Event is never written twice at once, and repeats
 *   that arrive while it waits or is being written only raise the count the next write sends.
 *   Each Event may be written PER_EVENT_BURST times, then once per PER_EVENT_INTERVAL_MS
 *   (client-go's spam filter: 25, then one per 5 minutes); repeats in between are held and
 *   go out with the next allowed write instead of being lost. So a quota-blocked ReplicaSet
 *   retrying for hours keeps one FailedCreate Event whose count grows, written a few times
 *   an hour.
 */
import type { ResourceType } from '../api/resource-type.ts';
import type { KubeObject } from '../api/meta/types.ts';
import type { Clientset } from './clientset.ts';
import type { Clock } from './clock.ts';
import { realClock } from './clock.ts';
import { isAlreadyExists, isNotFound } from './errors.ts';
import { EventCorrelator } from './event-correlator.ts';
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

/** Records events as one component; returns at once (see the file comment). */
export interface EventRecorder {
  event(ref: ObjectReference, type: EventType, reason: string, message: string): void;
}

/** What hands out recorders (an EventBroadcaster; what controllers are given). */
export interface EventRecorderProvider {
  /**
   * A recorder whose Events name `component` (e.g. `deployment-controller`) as `source.component`
   * and `reportingComponent`, and `instance` (a node, a process identity) as `source.host` and
   * `reportingInstance`.
   */
  newRecorder(component: string, instance?: string): EventRecorder;
}

export interface EventBroadcasterOptions {
  clientset: Clientset;
  /** Events waiting to be written beyond which new ones are dropped. @default 1000 */
  maxPending?: number;
  /** Writes in flight at once. @default 4 */
  concurrency?: number;
  /** Sustained writes per second. @default 50 */
  qps?: number;
  /** Writes allowed at once before `qps` applies. @default 100 */
  burst?: number;
  /** How long an Event takes repeats after its last occurrence, ms. @default 600000 */
  aggregationWindowMs?: number;
  /** @default realClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

/** Writes of one Event before the per-Event interval applies (client-go's spam burst). */
export const PER_EVENT_BURST = 25;
/** The interval between writes of one Event once its burst is spent (client-go: 5 minutes). */
export const PER_EVENT_INTERVAL_MS = 300_000;
const MAX_MESSAGE = 1024;
const MAX_REMEMBERED = 4096;

/** metav1.Time: RFC 3339 in whole seconds. */
function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** One Event object: what it should say, and what of it was written. */
interface EventRecord {
  readonly component: string;
  readonly instance: string;
  readonly ref: ObjectReference;
  readonly type: EventType;
  readonly reason: string;
  readonly namespace: string;
  name: string;
  message: string;
  count: number;
  firstTimestamp: Date;
  lastTimestamp: Date;
  /** Monotonic ms of the last occurrence. */
  lastSeen: number;
  /** Whether the Event object exists (as far as this process knows). */
  created: boolean;
  /** Holds occurrences not written yet. */
  dirty: boolean;
  /** Queued, held back by its budget, or being written: never two writes at once. */
  busy: boolean;
  /** The per-Event write budget (a token bucket). */
  tokens: number;
  refilledAt: number;
}

/** Writes the Events of every recorder it hands out; see the file comment. */
export class EventBroadcaster implements EventRecorderProvider {
  readonly #clientset: Clientset;
  readonly #maxPending: number;
  readonly #concurrency: number;
  readonly #windowMs: number;
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #correlator: EventCorrelator;
  /** Events by correlation key; Map order is least recently used first. */
  readonly #records = new Map<string, EventRecord>();
  readonly #queue: EventRecord[] = [];
  /** Events held back by their budget, with when they may be written (monotonic ms). */
  readonly #held = new Map<EventRecord, number>();
  #heldTimer: AbortController | undefined;
  #tokens: number;
  #refilledAt: number;
  #refillAbort: AbortController | undefined;
  #closed = false;
  #active = 0;
  #dropped = 0;
  #idleWaiters: Array<() => void> = [];
  #seq = 0;

  constructor(opts: EventBroadcasterOptions) {
    this.#clientset = opts.clientset;
    this.#maxPending = opts.maxPending ?? 1000;
    this.#concurrency = opts.concurrency ?? 4;
    this.#windowMs = opts.aggregationWindowMs ?? 600_000;
    this.#clock = opts.clock ?? realClock;
    this.#logger = opts.logger ?? silentLogger;
    this.#qps = opts.qps ?? 50;
    this.#burst = opts.burst ?? 100;
    this.#tokens = this.#burst;
    this.#refilledAt = this.#clock.now();
    this.#correlator = new EventCorrelator(this.#windowMs, MAX_REMEMBERED);
  }

  newRecorder(component: string, instance?: string): EventRecorder {
    return { event: (ref, type, reason, message) => this.#record(component, instance ?? '', ref, type, reason, message) };
  }

  /** How many events were dropped because too many were waiting (or recording had stopped). */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Stops recording: Events still waiting (or held back by their budget) are dropped and
   * counted, later ones are ignored. Writes in flight finish on their own.
   */
  close(): void {
    this.#closed = true;
    this.#dropped += this.#queue.length + this.#held.size;
    this.#queue.length = 0;
    this.#held.clear();
    this.#refillAbort?.abort();
    this.#heldTimer?.abort();
    this.#settleIdle();
  }

  /** Gives what was recorded up to `graceMs` to be written, then closes (see close). */
  async shutdown(graceMs = 1000): Promise<void> {
    const timer = new AbortController();
    await Promise.race([this.flush(), this.#clock.sleep(graceMs, timer.signal).catch(() => undefined)]);
    timer.abort();
    this.close();
  }

  /**
   * Resolves once everything recorded so far has been written (or failed), except repeats held
   * back by their Event's budget, which go out when it allows.
   */
  flush(): Promise<void> {
    if (this.#active === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #record(component: string, instance: string, ref: ObjectReference, type: EventType, reason: string, rawMessage: string): void {
    if (this.#closed) return;
    const text = rawMessage.length > MAX_MESSAGE ? `${rawMessage.slice(0, MAX_MESSAGE - 3)}...` : rawMessage;
    const nowMs = this.#clock.now();
    const wall = this.#clock.wallNow();
    const { key, message } = this.#correlator.correlate({ component, instance, ref, type, reason, message: text }, nowMs);
    let rec = this.#records.get(key);
    if (rec !== undefined && nowMs - rec.lastSeen < this.#windowMs) {
      rec.count++;
      rec.message = message;
      rec.lastTimestamp = wall;
      rec.lastSeen = nowMs;
      this.#records.delete(key);
    } else {
      if (this.#queue.length >= this.#maxPending) {
        this.#drop();
        return;
      }
      const namespace = ref.namespace !== undefined && ref.namespace !== '' ? ref.namespace : 'default';
      rec = {
        component,
        instance,
        ref,
        type,
        reason,
        namespace,
        name: this.#eventName(ref, wall),
        message,
        count: 1,
        firstTimestamp: wall,
        lastTimestamp: wall,
        lastSeen: nowMs,
        created: false,
        dirty: false,
        busy: false,
        tokens: PER_EVENT_BURST,
        refilledAt: nowMs,
      };
    }
    this.#records.set(key, rec);
    if (this.#records.size > MAX_REMEMBERED) this.#records.delete(this.#records.keys().next().value as string);
    rec.dirty = true;
    // A busy Event sends this occurrence with its next write. An idle one is queued even past
    // maxPending (only new Events are dropped for room): it is remembered already, so the queue
    // holds at most the remembered Events beyond the limit, and its count is not lost.
    if (!rec.busy) this.#enqueue(rec);
  }

  #drop(): void {
    this.#dropped++;
    if (this.#dropped === 1 || this.#dropped % 1000 === 0) this.#logger.warn('dropping events: too many waiting to be written', { dropped: this.#dropped });
  }

  /** Upstream's Event names: `<object>.<unix nanoseconds in hex>` (a sequence keeps them apart). */
  #eventName(ref: ObjectReference, wall: Date): string {
    return `${ref.name}.${(BigInt(wall.getTime()) * 1_000_000n + BigInt(this.#seq++ % 1_000_000)).toString(16)}`;
  }

  #enqueue(rec: EventRecord): void {
    rec.busy = true;
    this.#queue.push(rec);
    this.#pump();
  }

  /** Milliseconds before `rec` may be written again (0: now); refills its budget first. */
  #budgetWait(rec: EventRecord, nowMs: number): number {
    rec.tokens = Math.min(PER_EVENT_BURST, rec.tokens + (nowMs - rec.refilledAt) / PER_EVENT_INTERVAL_MS);
    rec.refilledAt = nowMs;
    return rec.tokens >= 1 ? 0 : (1 - rec.tokens) * PER_EVENT_INTERVAL_MS;
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
    while (this.#active < this.#concurrency && this.#queue.length > 0) {
      const rec = this.#queue[0]!;
      const wait = this.#budgetWait(rec, this.#clock.now());
      if (wait > 0) {
        this.#queue.shift();
        this.#hold(rec, wait);
        continue;
      }
      if (!this.#takeToken()) return;
      this.#queue.shift();
      rec.tokens -= 1;
      this.#active++;
      void this.#write(rec)
        .catch((err: unknown) => this.#logger.warn('failed to write an event', { reason: rec.reason, object: rec.ref.name, error: err instanceof Error ? err.message : String(err) }))
        .finally(() => {
          this.#active--;
          rec.busy = false;
          if (rec.dirty && !this.#closed) this.#enqueue(rec);
          this.#pump();
          this.#settleIdle();
        });
    }
    this.#settleIdle();
  }

  /** Holds `rec` back for `waitMs`; one timer serves every held Event (the earliest due). */
  #hold(rec: EventRecord, waitMs: number): void {
    this.#held.set(rec, this.#clock.now() + waitMs);
    this.#armHeldTimer();
  }

  #armHeldTimer(): void {
    this.#heldTimer?.abort();
    this.#heldTimer = undefined;
    if (this.#held.size === 0 || this.#closed) return;
    const due = Math.min(...this.#held.values());
    const abort = (this.#heldTimer = new AbortController());
    this.#clock.sleep(Math.max(0, due - this.#clock.now()), abort.signal).then(
      () => {
        this.#heldTimer = undefined;
        const now = this.#clock.now();
        for (const [rec, at] of this.#held) {
          if (at > now) continue;
          this.#held.delete(rec);
          this.#queue.push(rec);
        }
        this.#armHeldTimer();
        this.#pump();
      },
      () => undefined,
    );
  }

  #settleIdle(): void {
    if (this.#active !== 0 || this.#queue.length !== 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Creates the Event, or patches what changed since; starts a new one if it was deleted. */
  async #write(rec: EventRecord): Promise<void> {
    rec.dirty = false;
    const client = this.#clientset.resource(EVENTS);
    if (rec.created) {
      try {
        await client.patch(rec.name, { count: rec.count, lastTimestamp: timestamp(rec.lastTimestamp), message: rec.message }, { namespace: rec.namespace });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // The Event was deleted (expired or cleaned up): a new one counts from this occurrence.
        rec.created = false;
        rec.name = this.#eventName(rec.ref, rec.lastTimestamp);
        rec.count = 1;
        rec.firstTimestamp = rec.lastTimestamp;
      }
    }
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: rec.name, namespace: rec.namespace },
      involvedObject: rec.ref,
      reason: rec.reason,
      message: rec.message,
      type: rec.type,
      source: rec.instance === '' ? { component: rec.component } : { component: rec.component, host: rec.instance },
      firstTimestamp: timestamp(rec.firstTimestamp),
      lastTimestamp: timestamp(rec.lastTimestamp),
      count: rec.count,
      reportingComponent: rec.component,
      reportingInstance: rec.instance,
    };
    try {
      await client.create(event);
    } catch (err) {
      // An earlier create got through though its answer was lost: patch that one from now on.
      if (!isAlreadyExists(err)) throw err;
    }
    rec.created = true;
  }
}
