/**
 * The scheduler: informers feed the cache (nodes, bound pods) and the queue (pods to
 * schedule); a loop pops one pod at a time and runs its scheduling cycle; binding cycles run in
 * the background, several at once.
 *
 * ```
 * pod informer ──unassigned──▶ SchedulingQueue ──pop──▶ scheduling cycle ──assume──▶ binding cycle ──▶ POST pods/binding
 *      └──────────assigned──▶ SchedulerCache ◀── node informer          (sync)            (async)
 * ```
 *
 * - Success: the pod is *assumed* on its node in the cache (so the next cycle counts it) and
 *   bound through `pods/binding`; a `Scheduled` event follows. A failed binding forgets the
 *   assumed pod and retries it with backoff.
 * - Failure: the pod gets `PodScheduled=False` (reason `Unschedulable`, or `SchedulerError` for
 *   errors) with the upstream-style message through `pods/status`, and a `FailedScheduling`
 *   event; only after that write does it return to the queue, so a later binding can never be
 *   overtaken by this stale condition.
 * - Fencing: every write first checks `mayAct()` (still the leader) and is cancelled through
 *   the run signal when the scheduler stops.
 */
import type { KubeObject } from '../api/meta/types.ts';
import type { Clientset, Clock, EventRecorder, Informer, Logger, SharedInformerFactory } from '../client/index.ts';
import { EventBroadcaster, realClock, referenceTo, silentLogger } from '../client/index.ts';
import { SchedulerCache } from './cache/scheduler-cache.ts';
import { schedulerInformers, subscribe, type SchedulerInformers } from './informer-handlers.ts';
import type { ClusterEvent } from './framework/cluster-event.ts';
import { CycleState } from './framework/cycle-state.ts';
import { Framework, type Profile } from './framework/framework.ts';
import type { FrameworkHandle, PluginFactory } from './framework/interface.ts';
import type { PodInfo } from './framework/pod-info.ts';
import { withNodeName } from './framework/pod-info.ts';
import { defaultProfile, PLUGIN_REGISTRY } from './plugins/registry.ts';
import type { FailureKind, QueuedPodInfo, QueueStats } from './queue/scheduling-queue.ts';
import { SchedulingQueue } from './queue/scheduling-queue.ts';
import { SchedulingAlgorithm } from './schedule-pod.ts';
import { patchUnschedulableCondition } from './pod-condition.ts';

export interface SchedulerOptions {
  clientset: Clientset;
  /**
   * Where the scheduler gets its informers (see `schedulerInformers`). It starts those not
   * started yet with its run signal; informers started earlier (and shared across leadership
   * terms) keep running after it stops.
   */
  informers: SharedInformerFactory;
  /** @default defaultProfile() */
  profile?: Profile;
  /** @default PLUGIN_REGISTRY */
  registry?: Readonly<Record<string, PluginFactory>>;
  /** 0 (adaptive, upstream's default) or 1-100. @default 0 */
  percentageOfNodesToScore?: number;
  /** False once this scheduler may no longer write (leadership lost). @default always true */
  mayAct?: () => boolean;
  /**
   * Binding requests in flight at once; the loop waits for a free slot. More would not bind
   * faster once the apiserver is busy, only queue there, delaying everyone (lease renewals
   * included). @default 16
   */
  maxBindsInFlight?: number;
  /** Condition writes in flight at once. @default 16 */
  maxStatusWritesInFlight?: number;
  /** @see SchedulingQueueOptions */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  maxUnschedulableMs?: number;
  /** Events are written through this broadcaster; one is created (and closed at the end) when omitted. */
  events?: EventBroadcaster;
  /** @default realClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /** Breaks ties between equally scored nodes. @default Math.random */
  random?: () => number;
}

/** Counters since the scheduler started. */
export interface SchedulerStats {
  /** Scheduling attempts (pods popped). */
  attempts: number;
  /** Pods bound. */
  bound: number;
  /** Attempts that found no node. */
  unschedulable: number;
  /** Attempts that failed with an error (including failed bindings). */
  errors: number;
  /** Binding requests sent. */
  bindRequests: number;
  queue: QueueStats;
}

/** A counting semaphore for the binding and status-write slots. */
class Slots {
  #free: number;
  #waiters: Array<() => void> = [];
  constructor(n: number) {
    this.#free = n;
  }
  async take(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
  release(): void {
    const next = this.#waiters.shift();
    if (next !== undefined) next();
    else this.#free++;
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How long the loop may run scheduling cycles back to back before letting I/O in, ms. */
const MAX_BUSY_MS = 5;

/** The scheduler; see the file comment. One instance per leadership term. */
export class Scheduler {
  readonly #opts: SchedulerOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #mayAct: () => boolean;
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  readonly #algorithm: SchedulingAlgorithm;
  readonly #broadcaster: EventBroadcaster;
  readonly #ownsEvents: boolean;
  readonly #events: EventRecorder;
  readonly #informers: SchedulerInformers;
  readonly #pods: Informer<KubeObject>;
  readonly #bindSlots: Slots;
  readonly #statusSlots: Slots;
  readonly #background = new Set<Promise<void>>();
  readonly #stats = { attempts: 0, bound: 0, unschedulable: 0, errors: 0, bindRequests: 0 };
  #signal: AbortSignal = new AbortController().signal;

  constructor(opts: SchedulerOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? realClock;
    this.#logger = opts.logger ?? silentLogger;
    this.#mayAct = opts.mayAct ?? (() => true);
    const profile = opts.profile ?? defaultProfile();
    this.#ownsEvents = opts.events === undefined;
    this.#broadcaster = opts.events ?? new EventBroadcaster({ clientset: opts.clientset, clock: this.#clock, logger: this.#logger });
    this.#events = this.#broadcaster.newRecorder(profile.schedulerName);
    this.#informers = schedulerInformers(opts.informers);
    this.#pods = this.#informers.pods;
    const namespaces = this.#informers.namespaces;
    let queue: SchedulingQueue | undefined;
    const handle: FrameworkHandle = {
      snapshot: this.cache,
      nominator: { hasNominatedPods: () => queue?.hasNominatedPods() ?? false, nominatedPodsFor: (node) => queue?.nominatedPodsFor(node) ?? [] },
      namespaceLabels: (ns) => namespaces.store.get(ns)?.metadata.labels,
      clientset: opts.clientset,
      events: this.#events,
      mayAct: () => this.#mayAct() && !this.#signal.aborted,
      clock: this.#clock,
      logger: this.#logger,
    };
    this.framework = new Framework(profile, opts.registry ?? PLUGIN_REGISTRY, handle);
    const interest = new Map<ClusterEvent, Set<string>>();
    this.queue = queue = new SchedulingQueue({
      preEnqueue: (p) => this.framework.runPreEnqueue(p),
      pluginsInterestedIn: (e) => {
        let s = interest.get(e);
        if (s === undefined) interest.set(e, (s = this.framework.pluginsInterestedIn(e)));
        return s;
      },
      ...(opts.initialBackoffMs === undefined ? {} : { initialBackoffMs: opts.initialBackoffMs }),
      ...(opts.maxBackoffMs === undefined ? {} : { maxBackoffMs: opts.maxBackoffMs }),
      ...(opts.maxUnschedulableMs === undefined ? {} : { maxUnschedulableMs: opts.maxUnschedulableMs }),
      clock: this.#clock,
      logger: this.#logger,
    });
    this.#algorithm = new SchedulingAlgorithm(this.framework, this.cache, {
      percentageOfNodesToScore: opts.percentageOfNodesToScore ?? 0,
      ...(opts.random === undefined ? {} : { random: opts.random }),
    });
    this.#bindSlots = new Slots(opts.maxBindsInFlight ?? 16);
    this.#statusSlots = new Slots(opts.maxStatusWritesInFlight ?? 16);
  }

  stats(): SchedulerStats {
    return { ...this.#stats, queue: this.queue.stats() };
  }

  /**
   * Subscribes to the informers (which replay what they already hold), starts those not
   * started yet, waits for their first lists, then schedules until `signal` aborts. Resolves
   * once background writes have settled (they are cancelled by the signal). Runs once.
   */
  async run(signal: AbortSignal): Promise<void> {
    this.#signal = signal;
    const unsubscribe = subscribe(this.#informers, { cache: this.cache, queue: this.queue, schedulerName: this.framework.schedulerName });
    this.#opts.informers.start(signal);
    const queueRun = this.queue.run(signal);
    try {
      if (!(await this.#opts.informers.waitForCacheSync(signal))) return;
      this.#logger.info('scheduler caches synced', { nodes: this.cache.nodeCount, pods: this.cache.podCount, pending: this.queue.stats().active });
      await this.#loop(signal);
    } finally {
      this.queue.close();
      await queueRun;
      await Promise.allSettled([...this.#background]);
      for (const u of unsubscribe) u();
      if (this.#ownsEvents) await this.#broadcaster.shutdown();
      this.#logger.info('scheduler stopped', { ...this.#stats, eventsDropped: this.#broadcaster.dropped });
    }
  }

  async #loop(signal: AbortSignal): Promise<void> {
    let busySince = this.#clock.now();
    while (!signal.aborted) {
      const qp = await this.queue.pop(signal);
      if (qp === undefined) return;
      await this.#scheduleOne(qp, signal);
      if (this.#clock.now() - busySince > MAX_BUSY_MS) {
        await yieldToEventLoop();
        busySince = this.#clock.now();
      }
    }
  }

  /** Whether a popped pod no longer needs scheduling. */
  #skip(pod: PodInfo): boolean {
    return pod.terminating || this.cache.getPod(pod.key) !== undefined;
  }

  async #scheduleOne(qp: QueuedPodInfo, signal: AbortSignal): Promise<void> {
    const pod = qp.podInfo;
    if (this.#skip(pod)) {
      this.queue.done(qp);
      return;
    }
    this.#stats.attempts++;
    const cycle = this.queue.schedulingCycle;
    if (pod.parseError !== undefined) {
      this.#fail(qp, cycle, 'error', `failed to read the pod's scheduling constraints: ${pod.parseError}`, new Set());
      return;
    }
    const state = new CycleState();
    const outcome = this.#algorithm.schedule(state, pod);
    if (outcome.kind === 'error') {
      this.#fail(qp, cycle, 'error', outcome.status.reasons.join(', '), new Set());
      return;
    }
    if (outcome.kind === 'unschedulable') {
      const fit = outcome.fitError;
      let nominated: string | undefined;
      if (this.framework.hasPostFilter && fit.numAllNodes > 0) {
        const statuses = new Map(fit.diagnosis.nodeStatuses);
        if (fit.diagnosis.absentNodesStatus !== undefined) {
          for (const n of this.cache.list()) if (!statuses.has(n.name)) statuses.set(n.name, fit.diagnosis.absentNodesStatus);
        }
        const result = await this.framework.runPostFilter(state, pod, statuses, signal);
        if (result.status !== null && result.status.reasons.length > 0) fit.diagnosis.postFilterMsg = result.status.reasons.join(', ');
        nominated = result.nominatedNodeName;
        if (nominated === '') this.queue.clearNomination(pod.key);
        else if (nominated !== undefined) this.queue.nominate(pod, nominated);
      }
      this.#stats.unschedulable++;
      this.#fail(qp, cycle, 'unschedulable', fit.message, fit.diagnosis.unschedulablePlugins, nominated);
      return;
    }
    const assumed = withNodeName(pod, outcome.nodeName);
    this.cache.assumePod(assumed);
    this.queue.clearNomination(pod.key);
    const reserve = this.framework.runReserve(state, assumed, outcome.nodeName);
    if (reserve !== null) {
      this.cache.forgetPod(pod.key);
      this.#fail(qp, cycle, 'error', reserve.reasons.join(', '), new Set(reserve.plugin === undefined ? [] : [reserve.plugin]));
      return;
    }
    await this.#bindSlots.take();
    this.#track(this.#bindingCycle(qp, cycle, state, assumed, outcome.nodeName, signal).finally(() => this.#bindSlots.release()));
  }

  async #bindingCycle(qp: QueuedPodInfo, cycle: number, state: CycleState, assumed: PodInfo, nodeName: string, signal: AbortSignal): Promise<void> {
    const key = assumed.key;
    if (!this.#mayAct() || signal.aborted) {
      this.cache.forgetPod(key);
      this.queue.done(qp);
      return;
    }
    this.#stats.bindRequests++;
    const status = await this.framework.runBind(state, assumed, nodeName, signal);
    if (status === null) {
      this.cache.finishBinding(key);
      this.framework.runPostBind(state, assumed, nodeName);
      this.queue.done(qp);
      this.#stats.bound++;
      if (this.#mayAct()) this.#events.event(referenceTo(assumed.pod, 'Pod', 'v1'), 'Normal', 'Scheduled', `Successfully assigned ${key} to ${nodeName}`);
      return;
    }
    this.cache.forgetPod(key);
    this.framework.runUnreserve(state, assumed, nodeName);
    if (signal.aborted || !this.#mayAct()) {
      this.queue.done(qp);
      return;
    }
    // The room the assumed pod held is free again.
    this.queue.moveOnEvent('AssignedPodDelete');
    this.#fail(qp, cycle, 'error', `Binding rejected: ${status.reasons.join(', ')}`, new Set());
  }

  /**
   * A failed attempt: unless the pod is gone or bound meanwhile, write its condition (and
   * nomination) and a FailedScheduling event, then put it back in the queue.
   */
  #fail(qp: QueuedPodInfo, cycle: number, kind: FailureKind, message: string, rejectedBy: ReadonlySet<string>, nominatedNodeName?: string): void {
    if (kind === 'error') this.#stats.errors++;
    const pod = qp.podInfo;
    const latest = this.#pods.store.get(pod.key);
    if (latest === undefined || latest.metadata.uid !== pod.uid || (latest.spec?.nodeName ?? '') !== '') {
      this.queue.done(qp);
      return;
    }
    if (!this.#mayAct() || this.#signal.aborted) {
      this.queue.done(qp);
      return;
    }
    this.#events.event(referenceTo(latest, 'Pod', 'v1'), 'Warning', 'FailedScheduling', message);
    const reason = kind === 'unschedulable' ? 'Unschedulable' : 'SchedulerError';
    this.#track(
      (async () => {
        await this.#statusSlots.take();
        try {
          if (this.#mayAct() && !this.#signal.aborted) {
            const written = await patchUnschedulableCondition(this.#opts.clientset, latest, { reason, message, nominatedNodeName, clock: this.#clock, signal: this.#signal });
            // Logged when the pod's condition changes, not on every retry.
            if (written) this.#logger.info('pod cannot be scheduled', { pod: pod.key, reason, message });
          }
        } catch (err) {
          if (!this.#signal.aborted) this.#logger.warn('failed to update the pod condition', { pod: pod.key, error: err instanceof Error ? err.message : String(err) });
        } finally {
          this.#statusSlots.release();
          this.queue.addUnschedulable(qp, cycle, kind, rejectedBy);
        }
      })(),
    );
  }

  #track(p: Promise<void>): void {
    const tracked = p.catch((err: unknown) => this.#logger.error('scheduler background task failed', { error: err }));
    this.#background.add(tracked);
    void tracked.finally(() => this.#background.delete(tracked));
  }
}
