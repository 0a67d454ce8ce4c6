/**
 * What a controller is: a level-triggered Reconciler plus a descriptor naming the resource it
 * reconciles and the resources whose changes should wake it. The runner (runner.ts) does the
 * rest — informers, the work queue, workers, retries — so controllers never touch queues or
 * tombstones.
 */
import type { KubeObject } from '../api/meta/types.ts';
import type { ResourceType } from '../api/resource-type.ts';
import type { Clientset, Clock, EventRecorderProvider, InformerScope, Logger, SharedInformerFactory } from '../client/index.ts';
import type { ControllerSettings } from './settings.ts';

/** What a reconcile asks of the runner when it succeeds. */
export interface ReconcileResult {
  /** Reconcile this key again after this long (e.g. to poll for something with no event). */
  requeueAfterMs?: number;
}

/**
 * Level-triggered: called with a key (`namespace/name`, or `name` for cluster-scoped objects),
 * never with an event, and must compute what to do from current state alone. Must be
 * idempotent: the same key may be reconciled again at any time. Throwing retries the key with
 * per-key exponential backoff, unless the error is a TerminalError. `signal` aborts when the
 * controller stops (including when this process stops being the leader): stop acting at once.
 */
export interface Reconciler {
  reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult>;
}

/** An error that retrying cannot fix: logged, and the key is not retried until it changes again. */
export class TerminalError extends Error {
  override name = 'TerminalError';
}

/** A secondary resource whose changes wake the controller. */
export interface Watch {
  readonly type: ResourceType;
  /** Narrows the informer (e.g. Leases only in `kube-node-lease`). @default all of the type */
  readonly scope?: InformerScope;
  /**
   * The primary keys an object of this type maps to; may read the caches in `ctx` (e.g. the
   * services whose selector matches a pod). Omitted: the key of the object's controlling owner
   * when that owner is of the primary kind (the `owns` relation).
   */
  readonly mapTo?: (obj: KubeObject, ctx: ControllerContext) => readonly string[];
}

/** What a controller gets to work with. */
export interface ControllerContext {
  readonly clientset: Clientset;
  /** Shared caches; a controller asks for the informers it reads from. */
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * The controller manager's one event broadcaster: a controller takes a recorder named as
   * upstream names its Events' source (`ctx.events.newRecorder('deployment-controller')`).
   */
  readonly events: EventRecorderProvider;
  /** Timings and limits from the command line (`--node-monitor-grace-period`, …). */
  readonly settings: ControllerSettings;
}

/** How `--controllers` names a controller. */
export interface ControllerNaming {
  /** e.g. `replicaset-controller`, as kube-controller-manager names it. */
  readonly name: string;
  /** Older names `--controllers` also accepts (e.g. `replicaset`). */
  readonly aliases?: readonly string[];
}

/** A controller as the runner needs it: name, primary type, watches, and a factory. */
export interface ReconcilingController extends ControllerNaming {
  /** Queue keys are objects of this type; every change to one enqueues its key (see primaryUpdateMatters). */
  readonly primary: ResourceType;
  /**
   * Whether an update of a primary object enqueues it. @default every update does. The quota
   * controller ignores writes of its quotas' status: quota admission charges it, and a recount
   * woken by that charge, before the new pod is in the cache, would undo it.
   */
  readonly primaryUpdateMatters?: (oldObj: KubeObject, newObj: KubeObject) => boolean;
  readonly watches: readonly Watch[];
  /** Concurrent reconciles (of different keys). @default 1 */
  readonly workers?: number;
  /**
   * Every key of the primary cache is queued again this often: a safety net for conditions
   * that no event announces (a node lease that simply stops being renewed).
   */
  readonly resyncPeriodMs?: number;
  /**
   * Called before the caches start: it may ask `ctx.informers` for every informer it reads,
   * and the runner starts and syncs those too before the first reconcile.
   */
  create(ctx: ControllerContext): Reconciler;
}

/**
 * A controller whose watched types are only known at run time (the garbage collector watches
 * every type discovery reports, including ones added later). It runs its own event sources but
 * feeds a WorkQueue drained by the runner's `processQueue`, so the retry policy stays in one place.
 */
export interface SelfRunningController extends ControllerNaming {
  /** @default 1 */
  readonly workers?: number;
  /** Runs until `signal` aborts, with `workers` concurrent reconciles. */
  run(ctx: ControllerContext, signal: AbortSignal, workers: number): Promise<void>;
}

/** Either kind of controller; the registry lists both. */
export type ControllerDescriptor = ReconcilingController | SelfRunningController;

/** Whether a descriptor runs its own loop. */
export function isSelfRunning(d: ControllerDescriptor): d is SelfRunningController {
  return 'run' in d;
}
