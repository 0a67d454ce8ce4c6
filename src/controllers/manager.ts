/**
 * The controller manager: runs a set of controllers over one shared informer factory, under
 * Lease-based leader election so that of several control-plane nodes exactly one acts.
 *
 * Each leadership term gets a fresh informer factory and controller instances, all stopped
 * through the leading signal the moment leadership ends (fencing: a reconcile in flight sees
 * its signal abort and its requests cancelled). One EventBroadcaster serves every term, so the
 * Events of the whole controller manager share one write budget and one aggregation cache.
 */
import type { Clientset, Clock, Logger } from '../client/index.ts';
import { EventBroadcaster, LeaderElector, leaseLock, realClock, SharedInformerFactory, silentLogger } from '../client/index.ts';
import type { ControllerDescriptor } from './controller.ts';
import { isSelfRunning } from './controller.ts';
import { CONTROLLERS } from './registry.ts';
import { runController } from './runner.ts';
import { ServedTypes } from './served-types.ts';
import type { ControllerSettings } from './settings.ts';
import { DEFAULT_CONTROLLER_SETTINGS } from './settings.ts';

/** Where and as whom the controller manager contends for leadership. */
export interface LeaderElectionConfig {
  /** This process's identity in the lease, e.g. `<node>_<random>`. */
  identity: string;
  /** @default 'kube-system' */
  namespace?: string;
  /** @default 'kube-controller-manager' */
  name?: string;
  /** @see LeaderElectorOptions */
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Clear the lease on shutdown so a standby takes over at once. @default true */
  releaseOnCancel?: boolean;
}

/** What the controller manager runs, and how. */
export interface ControllerManagerOptions {
  clientset: Clientset;
  /** @default CONTROLLERS (all) */
  controllers?: readonly ControllerDescriptor[];
  /** Omit to run without election (a single control-plane process, tests). */
  leaderElection?: LeaderElectionConfig;
  /** @default realClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /** @default DEFAULT_CONTROLLER_SETTINGS */
  settings?: ControllerSettings;
  /** Worker counts by controller name (`--concurrent-*-syncs`); others keep their default. */
  workers?: Readonly<Record<string, number>>;
}

/** What every leadership term of the controllers shares. */
export interface ControllerDeps {
  clientset: Clientset;
  /** Where the controllers' Events go; omitted, runControllers makes one for its run. */
  events?: EventBroadcaster;
  clock?: Clock;
  logger?: Logger;
  settings?: ControllerSettings;
  workers?: Readonly<Record<string, number>>;
}

/** Runs the controllers (with a fresh informer factory) until `signal` aborts. */
export async function runControllers(controllers: readonly ControllerDescriptor[], deps: ControllerDeps, signal: AbortSignal): Promise<void> {
  const clock = deps.clock ?? realClock;
  const logger = deps.logger ?? silentLogger;
  const informers = new SharedInformerFactory(deps.clientset, { clock, logger });
  const events = deps.events ?? new EventBroadcaster({ clientset: deps.clientset, clock, logger });
  const ctx = { clientset: deps.clientset, informers, clock, logger, events, settings: deps.settings ?? DEFAULT_CONTROLLER_SETTINGS };
  const served = new ServedTypes(deps.clientset, clock, logger, ctx.settings.discoveryRefreshMs);
  await Promise.all(
    controllers.map(async (c) => {
      const workers = deps.workers?.[c.name];
      try {
        if (!isSelfRunning(c) && !(await served.waitFor(c.primary, c.name, signal))) return;
        await runController(c, ctx, signal, workers === undefined ? {} : { workers });
      } catch (err) {
        logger.error('controller stopped with an error', { controller: c.name, error: err });
      }
    }),
  );
  await informers.stopped();
  if (deps.events === undefined) await events.shutdown();
}

/** Runs the controller manager until `signal` aborts; with election, only while leading. */
export async function runControllerManager(opts: ControllerManagerOptions, signal: AbortSignal): Promise<void> {
  const controllers = opts.controllers ?? CONTROLLERS;
  const clock = opts.clock ?? realClock;
  const logger = opts.logger ?? silentLogger;
  const events = new EventBroadcaster({ clientset: opts.clientset, clock, logger });
  const deps: ControllerDeps = {
    clientset: opts.clientset,
    events,
    clock,
    logger,
    ...(opts.settings === undefined ? {} : { settings: opts.settings }),
    ...(opts.workers === undefined ? {} : { workers: opts.workers }),
  };
  try {
    await runElected(controllers, deps, opts.leaderElection, signal);
  } finally {
    await events.shutdown();
  }
}

/** Runs the controllers, with election when `le` is given. */
async function runElected(controllers: readonly ControllerDescriptor[], deps: ControllerDeps, le: LeaderElectionConfig | undefined, signal: AbortSignal): Promise<void> {
  if (le === undefined) {
    await runControllers(controllers, deps, signal);
    return;
  }
  const elector = new LeaderElector({
    lock: leaseLock(deps.clientset, le.namespace ?? 'kube-system', le.name ?? 'kube-controller-manager'),
    identity: le.identity,
    ...(le.leaseDurationSeconds === undefined ? {} : { leaseDurationSeconds: le.leaseDurationSeconds }),
    ...(le.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: le.renewDeadlineMs }),
    ...(le.retryPeriodMs === undefined ? {} : { retryPeriodMs: le.retryPeriodMs }),
    ...(le.releaseOnCancel === undefined ? {} : { releaseOnCancel: le.releaseOnCancel }),
    clock: deps.clock ?? realClock,
    logger: deps.logger ?? silentLogger,
    onStartedLeading: (leading) => runControllers(controllers, deps, leading),
  });
  await elector.run(signal);
}
