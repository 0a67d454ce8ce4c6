/**
 * What a controller is: a level-triggered Reconciler plus a descriptor naming the resource it
 * reconciles and the resources whose changes should wake it. The runner (runner.ts) does the
 * rest — informers, the work queue, workers, retries — so controllers never touch queues or
 * tombstones.
 */
import type { KubeObject } from '../api/meta/types.ts';
import type { ResourceType } from '../api/resource-type.ts';
import type { Clientset, Clock, Logger, SharedInformerFactory } from '../client/index.ts';

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
  /**
   * The primary keys an object of this type maps to. Omitted: the key of the object's
   * controlling owner when that owner is of the primary kind (the `owns` relation).
   */
  readonly mapTo?: (obj: KubeObject) => readonly string[];
}

/** What a controller gets to work with. */
export interface ControllerContext {
  readonly clientset: Clientset;
  /** Shared caches; a controller asks for the informers it reads from. */
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** A controller as the runner needs it: name, primary type, watches, and a factory. */
export interface ControllerDescriptor {
  /** e.g. `namespace-controller`; what `--controllers` names. */
  readonly name: string;
  /** Queue keys are objects of this type; every change to one enqueues its key. */
  readonly primary: ResourceType;
  readonly watches: readonly Watch[];
  /** Concurrent reconciles (of different keys). @default 1 */
  readonly workers?: number;
  create(ctx: ControllerContext): Reconciler;
}
