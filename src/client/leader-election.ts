/**
 * Lease-based leader election with fencing, for the scheduler and controller-manager.
 *
 * Protocol (every write is a compare-and-swap on the Lease's resourceVersion, so of two
 * contenders racing for one version exactly one wins and the other gets 409):
 * - A contender reads the lease every `retryPeriodMs`. When the record it reads differs from
 *   the last one it saw, it notes the local monotonic time (`observedAt`). It may take the
 *   lease when it is free (no holder, e.g. released) or when `observedAt + leaseDuration` has
 *   passed without a change: the holder has stopped renewing.
 * - The leader renews every `retryPeriodMs` (one write on the version it wrote last; a conflict
 *   sends it back to reading the lease), and counts itself leader only until
 *   `sentAt + renewDeadline`, where `sentAt` is when it *sent* its last successful renewal.
 *
 * Fencing: a renewal is committed after it was sent, and a contender observes it after it was
 * committed, so `observedAt ≥ sentAt`. A contender can take over no earlier than
 * `observedAt + leaseDuration ≥ sentAt + leaseDuration`, while the old leader stopped acting
 * at `sentAt + renewDeadline`. With `renewDeadline < leaseDuration`, their leading periods
 * never overlap (given monotonic clocks that run at the same rate; the difference is the
 * margin for drift and for an action already under way). Components must check `isLeader()`
 * or the leading AbortSignal before every action.
 *
 * Defaults: `leaseDurationSeconds` is an integer in the Lease API, so 2 s; renewDeadline 1.5 s
 * (0.5 s margin); retryPeriod 0.5 s (three renewal attempts before the deadline). After a
 * leader dies (kill -9), a standby sees its last renewal at most one retry period late and
 * polls once per retry period, so it takes over within leaseDuration + 2·retryPeriod = 3 s.
 * A clean shutdown releases the lease (empty holder), and a standby takes it at its next poll.
 *
 * After losing the lease the elector goes back to contending (the component's leading work was
 * stopped through the signal; it starts again in a new `onStartedLeading` if it wins again).
 */
import { trackElector } from '../util/leader-status.ts';
import type { Clock } from './clock.ts';
import { abortReason, pause, realClock } from './clock.ts';
import { isAlreadyExists, isConflict } from './errors.ts';
import type { LeaderElectionRecord, LeaseLock } from './lease-lock.ts';
import { microTime } from './lease-lock.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';

/** Lock, identity, timings and callbacks of one contender. */
export interface LeaderElectorOptions {
  lock: LeaseLock;
  /** This contender's unique identity (e.g. `hostname_uuid`). */
  identity: string;
  /** How long standbys wait after the last observed renewal. Whole seconds (Lease API). @default 2 */
  leaseDurationSeconds?: number;
  /** The leader stops acting this long after sending its last successful renewal; < leaseDuration. @default 1500 */
  renewDeadlineMs?: number;
  /** Interval between renewals, and between acquisition attempts. @default 500 */
  retryPeriodMs?: number;
  /** On shutdown, clear the holder so a standby takes over at once. @default true */
  releaseOnCancel?: boolean;
  /**
   * Called on becoming leader. `signal` aborts when leadership ends; the returned promise (if
   * any) is awaited, within renewDeadlineMs, before the lease is released on shutdown.
   */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called when leadership ends (lost or shut down). */
  onStoppedLeading?(): void;
  /** Called when a different holder is observed (including this one on acquiring). */
  onNewLeader?(identity: string): void;
  /** @default realClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

/** A snapshot of the elector's state. */
export interface LeaderElectionMetrics {
  isLeader: boolean;
  /** The holder last observed ('' if none). */
  leader: string;
  /** How many times this elector became leader. */
  transitions: number;
  /** Wall time of the last successful renewal (or acquisition) by this elector. */
  lastRenewTime: Date | undefined;
  /**
   * While leading: the lease's transition count when this elector took it. It grows with every
   * change of holder, so it names one leadership term (stamp actions with it to tell terms apart).
   */
  term: number | undefined;
}

function sameRecord(a: LeaderElectionRecord | undefined, b: LeaderElectionRecord): boolean {
  return (
    a !== undefined &&
    a.holderIdentity === b.holderIdentity &&
    a.renewTime === b.renewTime &&
    a.acquireTime === b.acquireTime &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.leaseTransitions === b.leaseTransitions
  );
}

/** One contender for one lease; see the file comment for the protocol and the fencing argument. */
export class LeaderElector {
  readonly #lock: LeaseLock;
  readonly #identity: string;
  readonly #leaseDurationS: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #releaseOnCancel: boolean;
  readonly #opts: LeaderElectorOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;

  /** The record last read or written, with its version and the monotonic time it was seen. */
  #observed: { record: LeaderElectionRecord; resourceVersion: string; at: number } | undefined;
  /** Set while leading; aborted the moment leadership ends. */
  #leading: AbortController | undefined;
  /** Monotonic time the last successful renewal was sent. Meaningful while #leading is set. */
  #renewSentAt = 0;
  #transitions = 0;
  #lastRenewWall: Date | undefined;
  #running = false;

  constructor(opts: LeaderElectorOptions) {
    this.#opts = opts;
    this.#lock = opts.lock;
    this.#identity = opts.identity;
    this.#leaseDurationS = opts.leaseDurationSeconds ?? 2;
    this.#renewDeadlineMs = opts.renewDeadlineMs ?? 1500;
    this.#retryPeriodMs = opts.retryPeriodMs ?? 500;
    this.#releaseOnCancel = opts.releaseOnCancel ?? true;
    this.#clock = opts.clock ?? realClock;
    this.#logger = opts.logger ?? silentLogger;
    if (!Number.isInteger(this.#leaseDurationS) || this.#leaseDurationS < 1) {
      throw new Error(`Cannot create leader elector: leaseDurationSeconds must be a positive integer, got ${this.#leaseDurationS}`);
    }
    if (this.#renewDeadlineMs >= this.#leaseDurationS * 1000) {
      throw new Error('Cannot create leader elector: renewDeadlineMs must be shorter than the lease duration');
    }
    if (this.#retryPeriodMs <= 0 || this.#retryPeriodMs >= this.#renewDeadlineMs) {
      throw new Error('Cannot create leader elector: retryPeriodMs must be positive and shorter than renewDeadlineMs');
    }
    if (opts.identity === '') throw new Error('Cannot create leader elector: identity is empty');
  }

  /**
   * Whether this elector may act as leader right now. Computed from the clock, so it turns
   * false at the renew deadline even if the event loop was too busy to run the fencing timer.
   */
  isLeader(): boolean {
    return this.#leading !== undefined && !this.#leading.signal.aborted && this.#clock.now() < this.#renewSentAt + this.#renewDeadlineMs;
  }

  metrics(): LeaderElectionMetrics {
    return {
      isLeader: this.isLeader(),
      leader: this.#observed?.record.holderIdentity ?? '',
      transitions: this.#transitions,
      lastRenewTime: this.#lastRenewWall,
      term: this.isLeader() ? this.#observed?.record.leaseTransitions : undefined,
    };
  }

  /** Contends, leads, and contends again after a loss, until `signal` aborts; then releases. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new Error('Cannot run leader elector: it is already running');
    this.#running = true;
    const untrack = trackElector(this.#lock.description, () => this.metrics());
    try {
      while (!signal.aborted) {
        if (!(await this.#acquire(signal))) break;
        await this.#lead(signal);
      }
    } finally {
      this.#running = false;
      untrack();
    }
  }

  /** Tries every retry period until the lease is ours; false if `signal` aborted first. */
  async #acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      const sentAt = this.#clock.now();
      if (await this.#tryAcquireOrRenew(signal, this.#renewDeadlineMs)) {
        this.#renewSentAt = sentAt;
        return true;
      }
      if (!(await pause(this.#clock, this.#retryPeriodMs, signal))) return false;
    }
    return false;
  }

  async #lead(signal: AbortSignal): Promise<void> {
    const leading = new AbortController();
    this.#leading = leading;
    this.#transitions++;
    this.#logger.info('became leader', { lease: this.#lock.description, identity: this.#identity });
    const work = this.#startWork(leading.signal);
    const fence = this.#armFence(leading);
    const both = AbortSignal.any([signal, leading.signal]);
    try {
      while (await pause(this.#clock, this.#retryPeriodMs, both)) {
        const sentAt = this.#clock.now();
        const remaining = this.#renewSentAt + this.#renewDeadlineMs - sentAt;
        if (remaining > 0 && (await this.#tryAcquireOrRenew(both, remaining))) {
          this.#renewSentAt = sentAt;
          continue;
        }
        if (this.#clock.now() >= this.#renewSentAt + this.#renewDeadlineMs) {
          this.#logger.warn('failed to renew the lease before the deadline; stopping leading', { lease: this.#lock.description });
          break;
        }
      }
    } finally {
      fence.abort();
      this.#stopLeading(leading);
    }
    if (signal.aborted) {
      await this.#awaitBounded(work);
      if (this.#releaseOnCancel) await this.#release();
    }
  }

  /** Aborts `leading` when the renew deadline passes without a renewal (re-armed after each). */
  #armFence(leading: AbortController): AbortController {
    const stop = new AbortController();
    const both = AbortSignal.any([stop.signal, leading.signal]);
    void (async () => {
      while (!both.aborted) {
        const wait = this.#renewSentAt + this.#renewDeadlineMs - this.#clock.now();
        if (wait <= 0) {
          this.#stopLeading(leading);
          return;
        }
        if (!(await pause(this.#clock, wait, both))) return;
      }
    })();
    return stop;
  }

  #startWork(signal: AbortSignal): Promise<void> {
    try {
      return Promise.resolve(this.#opts.onStartedLeading(signal)).catch((err: unknown) => {
        this.#logger.error('leading work failed', { lease: this.#lock.description, error: err });
      });
    } catch (err) {
      this.#logger.error('leading work failed', { lease: this.#lock.description, error: err });
      return Promise.resolve();
    }
  }

  #stopLeading(leading: AbortController): void {
    if (this.#leading !== leading) return;
    this.#leading = undefined;
    leading.abort(new Error('leadership lost'));
    this.#logger.info('stopped leading', { lease: this.#lock.description, identity: this.#identity });
    try {
      this.#opts.onStoppedLeading?.();
    } catch (err) {
      this.#logger.error('onStoppedLeading failed', { error: err });
    }
  }

  async #awaitBounded(work: Promise<void>): Promise<void> {
    const bound = new AbortController();
    await Promise.race([work, pause(this.#clock, this.#renewDeadlineMs, bound.signal)]);
    bound.abort();
  }

  /**
   * Clears the holder if the lease is still ours (compare-and-swap), so a standby takes over at
   * once. A renewal cut off by the shutdown may have been applied without this elector seeing
   * its answer, so a conflict on the version last seen is followed by one read: if the lease is
   * still ours, it is released on the version read.
   */
  async #release(): Promise<void> {
    const observed = this.#observed;
    if (observed === undefined || observed.record.holderIdentity !== this.#identity) return;
    const timeout = this.#timeoutSignal(undefined, this.#renewDeadlineMs);
    const released = (record: LeaderElectionRecord): LeaderElectionRecord => {
      const now = microTime(this.#clock.wallNow());
      return { ...record, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now };
    };
    try {
      try {
        await this.#lock.update(released(observed.record), observed.resourceVersion, timeout.signal);
      } catch (err) {
        if (!isConflict(err)) throw err;
        const current = await this.#lock.get(timeout.signal);
        if (current === null || current.record.holderIdentity !== this.#identity) return;
        await this.#lock.update(released(current.record), current.resourceVersion, timeout.signal);
      }
      this.#logger.info('released the lease', { lease: this.#lock.description });
    } catch (err) {
      this.#logger.warn('failed to release the lease', { lease: this.#lock.description, error: err });
    } finally {
      timeout.cancel();
    }
  }

  /** A signal that aborts with `parent` or after `ms` on the elector's clock. */
  #timeoutSignal(parent: AbortSignal | undefined, ms: number): { signal: AbortSignal; cancel: () => void } {
    const ac = new AbortController();
    const done = new AbortController();
    pause(this.#clock, ms, done.signal).then(
      (elapsed) => {
        if (elapsed) ac.abort(new Error(`lease request timed out after ${ms} ms`));
      },
      () => undefined,
    );
    const signal = parent === undefined ? ac.signal : AbortSignal.any([parent, ac.signal]);
    return { signal, cancel: () => done.abort() };
  }

  /** One read-and-maybe-write of the lease. True when this elector holds it afterwards. */
  async #tryAcquireOrRenew(parent: AbortSignal, timeoutMs: number): Promise<boolean> {
    const timeout = this.#timeoutSignal(parent, timeoutMs);
    try {
      return await this.#tryAcquireOrRenewOnce(timeout.signal);
    } catch (err) {
      if (!parent.aborted) {
        this.#logger.warn('lease request failed', { lease: this.#lock.description, error: err instanceof Error ? err.message : String(err) });
      }
      return false;
    } finally {
      timeout.cancel();
    }
  }

  async #tryAcquireOrRenewOnce(signal: AbortSignal): Promise<boolean> {
    const wall = microTime(this.#clock.wallNow());
    if (await this.#renewOnVersionWritten(wall, signal)) return true;
    const current = await this.#lock.get(signal);
    if (signal.aborted) throw abortReason(signal);
    if (current === null) {
      const record: LeaderElectionRecord = {
        holderIdentity: this.#identity,
        leaseDurationSeconds: this.#leaseDurationS,
        acquireTime: wall,
        renewTime: wall,
        leaseTransitions: 0,
      };
      let created: string;
      try {
        created = await this.#lock.create(record, signal);
      } catch (err) {
        if (isAlreadyExists(err)) return false;
        throw err;
      }
      this.#observe(record, created, true);
      return true;
    }

    const { record: old, resourceVersion } = current;
    this.#observe(old, resourceVersion, false);
    const observed = this.#observed as { at: number };
    const heldByOther = old.holderIdentity !== '' && old.holderIdentity !== this.#identity;
    if (heldByOther && this.#clock.now() < observed.at + old.leaseDurationSeconds * 1000) return false;

    const ours = old.holderIdentity === this.#identity;
    const record: LeaderElectionRecord = {
      holderIdentity: this.#identity,
      leaseDurationSeconds: this.#leaseDurationS,
      acquireTime: ours ? old.acquireTime : wall,
      renewTime: wall,
      leaseTransitions: ours ? old.leaseTransitions : old.leaseTransitions + 1,
    };
    let updated: string;
    try {
      updated = await this.#lock.update(record, resourceVersion, signal);
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
    if (signal.aborted) throw abortReason(signal);
    this.#observe(record, updated, true);
    return true;
  }

  /**
   * The leader's fast path (as client-go's): renew with one write, compare-and-swap on the version
   * it wrote last, instead of reading the lease first. Halving the round trips halves the time a
   * renewal takes on a busy apiserver, which is what the renew deadline is measured against.
   * False when not leading or when someone else wrote the lease since (a conflict): the caller
   * then reads the lease and decides as for any contender.
   */
  async #renewOnVersionWritten(wall: string, signal: AbortSignal): Promise<boolean> {
    const observed = this.#observed;
    if (!this.isLeader() || observed === undefined || observed.record.holderIdentity !== this.#identity) return false;
    const record: LeaderElectionRecord = { ...observed.record, leaseDurationSeconds: this.#leaseDurationS, renewTime: wall };
    let updated: string;
    try {
      updated = await this.#lock.update(record, observed.resourceVersion, signal);
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
    if (signal.aborted) throw abortReason(signal);
    this.#observe(record, updated, true);
    return true;
  }

  /**
   * Records what was read or written, with its resourceVersion (a later release compares
   * against it). The observation time moves only when the record changed: the expiry rule
   * measures from the moment a renewal was first seen.
   */
  #observe(record: LeaderElectionRecord, resourceVersion: string, written: boolean): void {
    const prev = this.#observed;
    if (written) this.#lastRenewWall = this.#clock.wallNow();
    if (!sameRecord(prev?.record, record)) {
      this.#observed = { record, resourceVersion, at: this.#clock.now() };
      if (prev?.record.holderIdentity !== record.holderIdentity && record.holderIdentity !== '') {
        try {
          this.#opts.onNewLeader?.(record.holderIdentity);
        } catch (err) {
          this.#logger.error('onNewLeader failed', { error: err });
        }
      }
    } else {
      this.#observed = { ...(prev as NonNullable<typeof prev>), resourceVersion };
    }
  }
}
