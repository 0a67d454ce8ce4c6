/**
 * Runs the scheduler, under Lease-based leader election when configured (lease
 * `kube-system/kube-scheduler`, as upstream), so that of several schedulers in a cluster
 * exactly one schedules.
 *
 * The informers start before the election and keep running across terms, as upstream's do: a
 * standby has a warm cache, so taking over costs no relist of every node and pod. Each
 * leadership term gets a fresh Scheduler (cache, queue) built from the informers' contents; it
 * stops the moment the term ends, and every binding and status write checks that the term is
 * still current (the elector's clock-based `isLeader()`, which turns false at the renew
 * deadline even if the event loop was too busy to notice the lost lease).
 */
import type { Clock, Logger } from '../client/index.ts';
import { LeaderElector, leaseLock, realClock, SharedInformerFactory, silentLogger } from '../client/index.ts';
import type { SchedulerOptions } from './scheduler.ts';
import { schedulerInformers } from './informer-handlers.ts';
import { Scheduler } from './scheduler.ts';

/** Where and as whom the scheduler contends for leadership. */
export interface SchedulerLeaderElection {
  /** This process's identity in the lease, e.g. `<host>_<random>`. */
  identity: string;
  /** @default 'kube-system' */
  namespace?: string;
  /** @default 'kube-scheduler' */
  name?: string;
  /** @see LeaderElectorOptions */
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface RunSchedulerOptions extends Omit<SchedulerOptions, 'informers' | 'mayAct'> {
  /** Omit to schedule without election (a single scheduler, tests). */
  leaderElection?: SchedulerLeaderElection;
  /** Called with each term's scheduler as it starts (for status reporting and tests). */
  onStarted?: (scheduler: Scheduler) => void;
}

/** Runs the scheduler until `signal` aborts; with election, only while leading. */
export async function runScheduler(opts: RunSchedulerOptions, signal: AbortSignal): Promise<void> {
  const clock: Clock = opts.clock ?? realClock;
  const logger: Logger = opts.logger ?? silentLogger;
  const { leaderElection: le, onStarted, ...rest } = opts;
  const informers = new SharedInformerFactory(opts.clientset, { clock, logger });
  schedulerInformers(informers);
  informers.start(signal);
  const term = (mayAct: () => boolean, leading: AbortSignal): Promise<void> => {
    const scheduler = new Scheduler({ ...rest, clock, logger, informers, mayAct });
    onStarted?.(scheduler);
    return scheduler.run(leading);
  };
  try {
    if (le === undefined) {
      await term(() => !signal.aborted, signal);
      return;
    }
    // Contend only with a synced cache, so that winning means scheduling at once.
    if (!(await informers.waitForCacheSync(signal))) return;
    const elector: LeaderElector = new LeaderElector({
      lock: leaseLock(opts.clientset, le.namespace ?? 'kube-system', le.name ?? 'kube-scheduler'),
      identity: le.identity,
      ...(le.leaseDurationSeconds === undefined ? {} : { leaseDurationSeconds: le.leaseDurationSeconds }),
      ...(le.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: le.renewDeadlineMs }),
      ...(le.retryPeriodMs === undefined ? {} : { retryPeriodMs: le.retryPeriodMs }),
      clock,
      logger,
      onStartedLeading: (leading) => term(() => !leading.aborted && elector.isLeader(), leading),
    });
    await elector.run(signal);
  } finally {
    await informers.stopped();
  }
}
