/**
 * The scheduling queue: where pods wait to be scheduled, and to be retried.
 *
 * - **active**: pods ready for an attempt, highest `spec.priority` first, then oldest first.
 * - **backoff**: pods that failed recently and wait out a per-pod exponential backoff
 *   (1 s after the first failed attempt, doubling up to 10 s), so a pod that keeps failing
 *   cannot hog the scheduler; they move to active when it expires.
 * - **unschedulable**: pods no node fits. They wait for a cluster event one of the plugins that
 *   rejected them cares about (a node added, a pod deleted freeing resources, …): then they go
 *   to backoff, or straight to active if their backoff is over. Pods that waited longer than
 *   `maxUnschedulableMs` are retried anyway, in case an event was missed. Pods held back by a
 *   PreEnqueue plugin (scheduling gates) wait here until they are updated.
 * - **in flight**: popped, being scheduled. An update or a cluster event while in flight means
 *   the attempt may be stale: a failure then goes to backoff instead of unschedulable, so the
 *   event is not lost (the moveRequestCycle rule).
 *
 * The queue also keeps the nominator: pods that preemption nominated to a node (their
 * `status.nominatedNodeName`), whose room other pods must leave free.
 *
 * Timing runs on the injected Clock, so tests drive backoff by hand.
 */
import type { Clock, Logger } from '../../client/index.ts';
import { pause, realClock, silentLogger } from '../../client/index.ts';
import type { ClusterEvent } from '../framework/cluster-event.ts';
import type { Nominator } from '../framework/interface.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import type { Status } from '../framework/status.ts';
import { Heap } from './heap.ts';

/** A pod in the queue with its scheduling history. */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When it last entered the queue (orders equal priorities; starts the backoff). */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** Plugins that rejected it in its last attempt; empty means "retry on any event". */
  unschedulablePlugins: Set<string>;
  /** Held back by PreEnqueue (scheduling gates) until the pod changes. */
  gated: boolean;
}

export interface SchedulingQueueOptions {
  /** The PreEnqueue check (scheduling gates); null lets the pod in. */
  preEnqueue: (pod: PodInfo) => Status | null;
  /** The plugins interested in an event (see Plugin.events). */
  pluginsInterestedIn: (event: ClusterEvent) => ReadonlySet<string>;
  /** @default 1000 */
  initialBackoffMs?: number;
  /** @default 10000 */
  maxBackoffMs?: number;
  /** Unschedulable pods older than this are retried without an event. @default 60000 */
  maxUnschedulableMs?: number;
  /** How often that check runs. @default 30000 */
  unschedulableFlushIntervalMs?: number;
  /** @default realClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

/** What happened to a popped pod whose attempt failed. */
export type FailureKind = 'unschedulable' | 'error';

interface InFlight {
  qp: QueuedPodInfo;
  /** The newest version seen while in flight (undefined: not updated). */
  updated: PodInfo | undefined;
  deleted: boolean;
}

/** Queue sizes, for logs and tests. */
export interface QueueStats {
  active: number;
  backoff: number;
  unschedulable: number;
  inFlight: number;
}

/** See the file comment. */
export class SchedulingQueue implements Nominator {
  readonly #opts: SchedulingQueueOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #initialBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #maxUnschedulableMs: number;
  readonly #flushIntervalMs: number;
  readonly #active: Heap<QueuedPodInfo>;
  readonly #backoff: Heap<QueuedPodInfo>;
  readonly #unschedulable = new Map<string, QueuedPodInfo>();
  readonly #inFlight = new Map<string, InFlight>();
  readonly #nominatedByNode = new Map<string, Map<string, PodInfo>>();
  readonly #nominatedNodeOf = new Map<string, string>();
  #cycle = 0;
  #moveRequestCycle = -1;
  #waiters: Array<(qp: QueuedPodInfo | undefined) => void> = [];
  #wake: AbortController | undefined;
  #closed = false;

  constructor(opts: SchedulingQueueOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? realClock;
    this.#logger = opts.logger ?? silentLogger;
    this.#initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.#maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.#maxUnschedulableMs = opts.maxUnschedulableMs ?? 60_000;
    this.#flushIntervalMs = opts.unschedulableFlushIntervalMs ?? 30_000;
    this.#active = new Heap<QueuedPodInfo>(
      (q) => q.podInfo.key,
      (a, b) => a.podInfo.priority > b.podInfo.priority || (a.podInfo.priority === b.podInfo.priority && a.timestamp < b.timestamp),
    );
    this.#backoff = new Heap<QueuedPodInfo>(
      (q) => q.podInfo.key,
      (a, b) => this.#backoffExpiry(a) < this.#backoffExpiry(b),
    );
  }

  /** How many pods have been popped (the current scheduling cycle). */
  get schedulingCycle(): number {
    return this.#cycle;
  }

  stats(): QueueStats {
    return { active: this.#active.size, backoff: this.#backoff.size, unschedulable: this.#unschedulable.size, inFlight: this.#inFlight.size };
  }

  /** Whether the pod with `key` is anywhere in the queue (waiting or in flight). */
  has(key: string): boolean {
    return this.#active.has(key) || this.#backoff.has(key) || this.#unschedulable.has(key) || this.#inFlight.has(key);
  }

  /** A new pod to schedule. */
  add(pod: PodInfo): void {
    this.#updateNominated(undefined, pod);
    if (this.#recordInFlight(pod)) return;
    if (this.#active.has(pod.key) || this.#backoff.has(pod.key) || this.#unschedulable.has(pod.key)) {
      this.update(pod);
      return;
    }
    this.#enqueue({ podInfo: pod, timestamp: this.#clock.now(), attempts: 0, unschedulablePlugins: new Set(), gated: false });
  }

  /**
   * A pod to schedule changed. Waiting pods take the new version; an unschedulable pod whose
   * spec or labels changed is retried (after its backoff); a gated pod re-runs PreEnqueue.
   */
  update(pod: PodInfo): void {
    const key = pod.key;
    this.#updateNominated(this.#current(key), pod);
    if (this.#recordInFlight(pod)) return;
    const active = this.#active.get(key);
    if (active !== undefined) {
      active.podInfo = pod;
      this.#active.push(active);
      return;
    }
    const backoff = this.#backoff.get(key);
    if (backoff !== undefined) {
      backoff.podInfo = pod;
      this.#backoff.push(backoff);
      return;
    }
    const waiting = this.#unschedulable.get(key);
    if (waiting !== undefined) {
      const changed = waiting.gated || schedulingRelevantChange(waiting.podInfo, pod);
      waiting.podInfo = pod;
      if (!changed) return;
      this.#unschedulable.delete(key);
      if (waiting.gated) {
        waiting.gated = false;
        this.#enqueue(waiting);
      } else {
        this.#requeue(waiting);
      }
      return;
    }
    this.add(pod);
  }

  /** The pod was deleted, or no longer needs scheduling (bound by someone, changed scheduler). */
  delete(key: string): void {
    this.#deleteNominated(key);
    const inFlight = this.#inFlight.get(key);
    if (inFlight !== undefined) inFlight.deleted = true;
    this.#active.delete(key);
    this.#backoff.delete(key);
    this.#unschedulable.delete(key);
  }

  /**
   * The next pod to schedule, waiting until there is one. Resolves undefined once `signal`
   * aborts or the queue is closed. The pod stays in flight until `done`.
   */
  pop(signal: AbortSignal): Promise<QueuedPodInfo | undefined> {
    if (this.#closed || signal.aborted) return Promise.resolve(undefined);
    const qp = this.#active.pop();
    if (qp !== undefined) return Promise.resolve(this.#startFlight(qp));
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve(undefined);
      };
      const waiter = (next: QueuedPodInfo | undefined): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(next === undefined ? undefined : this.#startFlight(next));
      };
      this.#waiters.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The attempt of `qp` is over (bound, or given up). */
  done(qp: QueuedPodInfo): void {
    if (this.#inFlight.get(qp.podInfo.key)?.qp === qp) this.#inFlight.delete(qp.podInfo.key);
  }

  /**
   * Notes a new version of a pod that is in flight; returns whether it was. A pod with the same
   * name but another uid was recreated: the one in flight is gone, and the new one is queued.
   */
  #recordInFlight(pod: PodInfo): boolean {
    const flight = this.#inFlight.get(pod.key);
    if (flight === undefined) return false;
    if (flight.qp.podInfo.uid !== pod.uid) {
      flight.deleted = true;
      return false;
    }
    flight.updated = pod;
    return true;
  }

  /**
   * Puts a popped pod back after a failed attempt in scheduling cycle `podCycle`. Errors, and
   * pods that changed or saw a cluster event while in flight, go to backoff; others wait in
   * unschedulable for an event one of `rejectedBy` cares about. Pods deleted meanwhile are
   * dropped. The pod leaves flight.
   */
  addUnschedulable(qp: QueuedPodInfo, podCycle: number, kind: FailureKind, rejectedBy: ReadonlySet<string>): void {
    const flight = this.#inFlight.get(qp.podInfo.key);
    if (flight?.qp !== qp) return;
    this.#inFlight.delete(qp.podInfo.key);
    if (flight.deleted) return;
    if (this.#active.has(qp.podInfo.key) || this.#backoff.has(qp.podInfo.key) || this.#unschedulable.has(qp.podInfo.key)) return;
    if (flight.updated !== undefined) qp.podInfo = flight.updated;
    qp.timestamp = this.#clock.now();
    qp.unschedulablePlugins = new Set(rejectedBy);
    if (kind === 'error' || flight.updated !== undefined || this.#moveRequestCycle >= podCycle) {
      this.#pushBackoff(qp);
    } else {
      this.#unschedulable.set(qp.podInfo.key, qp);
    }
  }

  /**
   * A cluster event happened: unschedulable pods rejected by a plugin that cares about it (or
   * with no recorded rejector) are retried. Pods in flight will go to backoff if they fail.
   */
  moveOnEvent(event: ClusterEvent): void {
    this.#moveRequestCycle = this.#cycle;
    if (this.#unschedulable.size === 0) return;
    const interested = this.#opts.pluginsInterestedIn(event);
    for (const [key, qp] of this.#unschedulable) {
      if (qp.gated) continue;
      if (qp.unschedulablePlugins.size > 0 && ![...qp.unschedulablePlugins].some((p) => interested.has(p))) continue;
      this.#unschedulable.delete(key);
      this.#requeue(qp);
    }
  }

  /** Runs the backoff and unschedulable-timeout flushes until `signal` aborts; then closes the queue. */
  async run(signal: AbortSignal): Promise<void> {
    let nextLeftoverFlush = this.#clock.now() + this.#flushIntervalMs;
    try {
      while (!signal.aborted) {
        const now = this.#clock.now();
        this.#flushBackoff(now);
        if (now >= nextLeftoverFlush) {
          this.#flushLeftover(now);
          nextLeftoverFlush = now + this.#flushIntervalMs;
        }
        const head = this.#backoff.peek();
        const until = Math.min(nextLeftoverFlush, head === undefined ? Infinity : this.#backoffExpiry(head));
        this.#wake = new AbortController();
        await pause(this.#clock, Math.max(0, until - now), AbortSignal.any([signal, this.#wake.signal]));
      }
    } finally {
      this.close();
    }
  }

  /** Wakes every pop with undefined; later pops resolve undefined at once. */
  close(): void {
    this.#closed = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w(undefined);
  }

  hasNominatedPods(): boolean {
    return this.#nominatedNodeOf.size > 0;
  }

  nominatedPodsFor(nodeName: string): readonly PodInfo[] {
    const pods = this.#nominatedByNode.get(nodeName);
    return pods === undefined ? [] : [...pods.values()];
  }

  /** Records that preemption nominated `pod` to `nodeName` (before its status says so). */
  nominate(pod: PodInfo, nodeName: string): void {
    this.#deleteNominated(pod.key);
    if (nodeName === '') return;
    let pods = this.#nominatedByNode.get(nodeName);
    if (pods === undefined) this.#nominatedByNode.set(nodeName, (pods = new Map()));
    pods.set(pod.key, pod);
    this.#nominatedNodeOf.set(pod.key, nodeName);
  }

  /** The pod is bound or gone: its nomination no longer holds room. */
  clearNomination(key: string): void {
    this.#deleteNominated(key);
  }

  /**
   * Follows `status.nominatedNodeName`: set → nominated there; cleared → no longer nominated.
   * A nomination made here whose status write is not visible yet survives updates that show
   * no nomination either way.
   */
  #updateNominated(old: PodInfo | undefined, pod: PodInfo): void {
    if (pod.nominatedNodeName !== '') {
      this.nominate(pod, pod.nominatedNodeName);
      return;
    }
    if (old !== undefined && old.nominatedNodeName !== '') {
      this.#deleteNominated(pod.key);
      return;
    }
    const node = this.#nominatedNodeOf.get(pod.key);
    if (node !== undefined) this.#nominatedByNode.get(node)?.set(pod.key, pod);
  }

  #deleteNominated(key: string): void {
    const node = this.#nominatedNodeOf.get(key);
    if (node === undefined) return;
    this.#nominatedNodeOf.delete(key);
    const pods = this.#nominatedByNode.get(node);
    pods?.delete(key);
    if (pods?.size === 0) this.#nominatedByNode.delete(node);
  }

  /** The version of the pod the queue holds, wherever it is. */
  #current(key: string): PodInfo | undefined {
    const flight = this.#inFlight.get(key);
    if (flight !== undefined) return flight.updated ?? flight.qp.podInfo;
    return (this.#active.get(key) ?? this.#backoff.get(key) ?? this.#unschedulable.get(key))?.podInfo;
  }

  #startFlight(qp: QueuedPodInfo): QueuedPodInfo {
    this.#cycle++;
    qp.attempts++;
    this.#inFlight.set(qp.podInfo.key, { qp, updated: undefined, deleted: false });
    return qp;
  }

  /** Into active, or into unschedulable as gated when PreEnqueue says no. */
  #enqueue(qp: QueuedPodInfo): void {
    const status = this.#opts.preEnqueue(qp.podInfo);
    if (status !== null) {
      qp.gated = true;
      this.#unschedulable.set(qp.podInfo.key, qp);
      return;
    }
    this.#pushActive(qp);
  }

  /** A waiting pod worth retrying: to backoff while its backoff runs, else to active. */
  #requeue(qp: QueuedPodInfo): void {
    if (this.#clock.now() < this.#backoffExpiry(qp)) this.#pushBackoff(qp);
    else this.#pushActive(qp);
  }

  #pushActive(qp: QueuedPodInfo): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(qp);
    else this.#active.push(qp);
  }

  #pushBackoff(qp: QueuedPodInfo): void {
    const head = this.#backoff.peek();
    this.#backoff.push(qp);
    if (head === undefined || this.#backoffExpiry(qp) < this.#backoffExpiry(head)) this.#wake?.abort();
  }

  /** When the pod's backoff ends: its last failure plus 1 s × 2^(attempts-1), at most the maximum. */
  #backoffExpiry(qp: QueuedPodInfo): number {
    if (qp.attempts === 0) return qp.timestamp;
    const duration = Math.min(this.#maxBackoffMs, this.#initialBackoffMs * 2 ** Math.min(qp.attempts - 1, 30));
    return qp.timestamp + duration;
  }

  #flushBackoff(now: number): void {
    for (let head = this.#backoff.peek(); head !== undefined && this.#backoffExpiry(head) <= now; head = this.#backoff.peek()) {
      this.#backoff.pop();
      this.#pushActive(head);
    }
  }

  #flushLeftover(now: number): void {
    let moved = 0;
    for (const [key, qp] of this.#unschedulable) {
      if (qp.gated || now - qp.timestamp < this.#maxUnschedulableMs) continue;
      this.#unschedulable.delete(key);
      this.#requeue(qp);
      moved++;
    }
    if (moved > 0) this.#logger.info('retrying pods that stayed unschedulable', { pods: moved });
  }
}

/** Whether an update could change where a pod fits (not just its status or resourceVersion). */
function schedulingRelevantChange(old: PodInfo, next: PodInfo): boolean {
  if (old.pod === next.pod) return false;
  const a = old.pod;
  const b = next.pod;
  return JSON.stringify(a.spec) !== JSON.stringify(b.spec) || JSON.stringify(a.metadata.labels ?? {}) !== JSON.stringify(b.metadata.labels ?? {});
}
