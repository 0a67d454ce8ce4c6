/**
 * The controller runner, written once: informer events → keys → WorkQueue → N workers →
 * `reconcile(key)`, with the whole retry policy in `processQueue`.
 */
import type { KubeObject } from '../api/meta/types.ts';
import type { ResourceType } from '../api/resource-type.ts';
import { apiVersionOf } from '../api/resource-type.ts';
import type { DeletedFinalStateUnknown, RateLimiter } from '../client/index.ts';
import { isTombstone, objectKey, pause, WorkQueue } from '../client/index.ts';
import { yieldIfBusy } from '../util/event-loop.ts';
import type { ControllerContext, ControllerDescriptor, ReconcileResult, Watch } from './controller.ts';
import { isSelfRunning, TerminalError } from './controller.ts';

/** Per-run overrides. */
export interface RunControllerOptions {
  /** Overrides the descriptor's worker count (`--concurrent-*-syncs`). */
  workers?: number;
  /** @default per-key exponential 5 ms → 1000 s */
  rateLimiter?: RateLimiter<string>;
}

/** The key of `obj`'s controlling owner when that owner is of kind `primary`. */
export function ownerKeys(primary: ResourceType, obj: KubeObject): string[] {
  const owner = obj.metadata.ownerReferences?.find((r) => r.controller === true);
  if (owner === undefined || owner.kind !== primary.kind || owner.apiVersion !== apiVersionOf(primary)) return [];
  return [objectKey({ metadata: { namespace: primary.namespaced ? obj.metadata.namespace : undefined, name: owner.name } })];
}

/** The object an onDelete handler was given, whether final or a tombstone. */
export function unwrapTombstone<T extends KubeObject>(obj: T | DeletedFinalStateUnknown<T>): T {
  return isTombstone(obj) ? obj.obj : obj;
}

/** How `processQueue` reports and paces one controller's reconciles. */
export interface ProcessQueueOptions {
  readonly name: string;
  readonly workers: number;
  readonly ctx: Pick<ControllerContext, 'logger'>;
}

/**
 * Runs `workers` loops that take keys from `queue` and reconcile them, until the queue shuts
 * down. The one place that maps a reconcile's outcome onto the queue:
 * - success: forget the key's failures; requeue after `requeueAfterMs` when asked;
 * - TerminalError: forget, log, do not retry (a later change of the object queues it again);
 * - any other error: retry with the key's exponential backoff.
 * Once `signal` aborts, outcomes are ignored (the queue is shutting down anyway). Before each
 * reconcile a worker lets the event loop turn if the process has worked for a 10 ms slice
 * without one (`yieldIfBusy`), so a long queue of reconciles that need no I/O cannot starve the
 * process's timers and sockets.
 */
export async function processQueue(
  queue: WorkQueue<string>,
  reconcile: (key: string, signal: AbortSignal) => Promise<ReconcileResult>,
  opts: ProcessQueueOptions,
  signal: AbortSignal,
): Promise<void> {
  const { logger } = opts.ctx;
  const settle = (key: string, outcome: { result: ReconcileResult } | { error: unknown }): void => {
    if (signal.aborted) return;
    if ('result' in outcome) {
      queue.forget(key);
      const after = outcome.result.requeueAfterMs;
      if (after !== undefined && after >= 0) queue.addAfter(key, after);
    } else if (outcome.error instanceof TerminalError) {
      queue.forget(key);
      logger.error('reconcile failed terminally', { controller: opts.name, key, error: outcome.error });
    } else {
      logger.warn('reconcile failed; retrying', { controller: opts.name, key, retries: queue.numRequeues(key), error: outcome.error });
      queue.addRateLimited(key);
    }
  };
  const worker = async (): Promise<void> => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        await yieldIfBusy();
        if (signal.aborted) continue;
        settle(key, { result: await reconcile(key, signal) });
      } catch (error) {
        settle(key, { error });
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.workers) }, worker));
}

/**
 * Runs one controller until `signal` aborts: creates its reconciler (which asks for the
 * informers it reads), registers the event handlers, starts the shared informers, waits for
 * their caches, then runs the workers. Resolves once every worker has finished its current
 * reconcile.
 */
export async function runController(descriptor: ControllerDescriptor, ctx: ControllerContext, signal: AbortSignal, opts: RunControllerOptions = {}): Promise<void> {
  const workers = Math.max(1, opts.workers ?? descriptor.workers ?? 1);
  if (isSelfRunning(descriptor)) {
    await descriptor.run(ctx, signal, workers);
    return;
  }
  const queue = new WorkQueue<string>({ clock: ctx.clock, ...(opts.rateLimiter === undefined ? {} : { rateLimiter: opts.rateLimiter }) });
  const removers: (() => void)[] = [];
  const enqueueKeys = (keys: readonly string[]): void => {
    for (const key of keys) queue.add(key);
  };
  const stop = (): void => queue.shutDown();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const watched: Array<Watch & { updateMatters?: (oldObj: KubeObject, newObj: KubeObject) => boolean }> = [
      { type: descriptor.primary, mapTo: (obj) => [objectKey(obj)], ...(descriptor.primaryUpdateMatters === undefined ? {} : { updateMatters: descriptor.primaryUpdateMatters }) },
      ...descriptor.watches,
    ];
    const { result: reconciler, informers } = ctx.informers.recordUsage(() => {
      const created = descriptor.create(ctx);
      for (const w of watched) {
        const map = w.mapTo ?? ((obj: KubeObject) => ownerKeys(descriptor.primary, obj));
        removers.push(
          ctx.informers.informerFor(w.type, w.scope).addEventHandler({
            onAdd: (obj) => enqueueKeys(map(obj, ctx)),
            // Both: an update can move an object from one primary to another (a label change).
            onUpdate: (oldObj, newObj) => {
              if (w.updateMatters !== undefined && !w.updateMatters(oldObj, newObj)) return;
              enqueueKeys([...new Set([...map(oldObj, ctx), ...map(newObj, ctx)])]);
            },
            onDelete: (obj) => enqueueKeys(map(unwrapTombstone(obj), ctx)),
          }),
        );
      }
      return created;
    });
    ctx.informers.start(signal);
    // Only this controller's caches: one that never syncs (a type the server does not serve)
    // holds back the controller that needs it, not the others.
    const synced = await Promise.all(informers.map((i) => i.waitForSync(signal)));
    if (!synced.every(Boolean)) return;
    ctx.logger.info('controller started', { controller: descriptor.name });
    const resync = descriptor.resyncPeriodMs === undefined ? Promise.resolve() : resyncLoop(descriptor.resyncPeriodMs, () => ctx.informers.informerFor(descriptor.primary).store.keys(), enqueueKeys, ctx, signal);
    await Promise.all([processQueue(queue, (key, s) => reconciler.reconcile(key, s), { name: descriptor.name, workers, ctx }, signal), resync]);
  } finally {
    signal.removeEventListener('abort', stop);
    stop();
    for (const remove of removers) remove();
  }
}

async function resyncLoop(periodMs: number, keys: () => string[], enqueue: (keys: readonly string[]) => void, ctx: ControllerContext, signal: AbortSignal): Promise<void> {
  while (await pause(ctx.clock, periodMs, signal)) enqueue(keys());
}
