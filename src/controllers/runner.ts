/**
 * The controller runner, written once: informer events → keys → WorkQueue → N workers →
 * `reconcile(key)`, with the whole retry policy in `settle`.
 */
import type { KubeObject } from '../api/meta/types.ts';
import type { ResourceType } from '../api/resource-type.ts';
import { apiVersionOf } from '../api/resource-type.ts';
import type { DeletedFinalStateUnknown, RateLimiter } from '../client/index.ts';
import { isTombstone, objectKey, WorkQueue } from '../client/index.ts';
import type { ControllerContext, ControllerDescriptor, ReconcileResult, Watch } from './controller.ts';
import { TerminalError } from './controller.ts';

/** Per-run overrides. */
export interface RunControllerOptions {
  /** Overrides the descriptor's worker count. */
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

function unwrap<T extends KubeObject>(obj: T | DeletedFinalStateUnknown<T>): T {
  return isTombstone(obj) ? obj.obj : obj;
}

/**
 * Runs one controller until `signal` aborts: registers its event handlers, starts the shared
 * informers, waits for their caches, then runs the workers. Resolves once every worker has
 * finished its current reconcile.
 */
export async function runController(descriptor: ControllerDescriptor, ctx: ControllerContext, signal: AbortSignal, opts: RunControllerOptions = {}): Promise<void> {
  const queue = new WorkQueue<string>({ clock: ctx.clock, ...(opts.rateLimiter === undefined ? {} : { rateLimiter: opts.rateLimiter }) });
  const removers: (() => void)[] = [];
  const enqueueKeys = (keys: readonly string[]): void => {
    for (const key of keys) queue.add(key);
  };

  const watched: Watch[] = [{ type: descriptor.primary, mapTo: (obj) => [objectKey(obj)] }, ...descriptor.watches];
  for (const w of watched) {
    const map = w.mapTo ?? ((obj: KubeObject) => ownerKeys(descriptor.primary, obj));
    removers.push(
      ctx.informers.informerFor(w.type).addEventHandler({
        onAdd: (obj) => enqueueKeys(map(obj)),
        // Both: an update can move an object from one primary to another (a label change).
        onUpdate: (oldObj, newObj) => enqueueKeys([...new Set([...map(oldObj), ...map(newObj)])]),
        onDelete: (obj) => enqueueKeys(map(unwrap(obj))),
      }),
    );
  }

  const stop = (): void => queue.shutDown();
  signal.addEventListener('abort', stop, { once: true });
  try {
    ctx.informers.start(signal);
    if (!(await ctx.informers.waitForCacheSync(signal))) return;
    const reconciler = descriptor.create(ctx);
    ctx.logger.info('controller started', { controller: descriptor.name });
    const workers = Math.max(1, opts.workers ?? descriptor.workers ?? 1);
    const settle = (key: string, outcome: { result: ReconcileResult } | { error: unknown }): void => {
      if (signal.aborted) return;
      if ('result' in outcome) {
        queue.forget(key);
        const after = outcome.result.requeueAfterMs;
        if (after !== undefined && after >= 0) queue.addAfter(key, after);
      } else if (outcome.error instanceof TerminalError) {
        queue.forget(key);
        ctx.logger.error('reconcile failed terminally', { controller: descriptor.name, key, error: outcome.error });
      } else {
        ctx.logger.warn('reconcile failed; retrying', { controller: descriptor.name, key, retries: queue.numRequeues(key), error: outcome.error });
        queue.addRateLimited(key);
      }
    };
    const worker = async (): Promise<void> => {
      for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
        try {
          if (signal.aborted) continue;
          settle(key, { result: await reconciler.reconcile(key, signal) });
        } catch (error) {
          settle(key, { error });
        } finally {
          queue.done(key);
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    signal.removeEventListener('abort', stop);
    stop();
    for (const remove of removers) remove();
  }
}
