/**
 * The controller manager as an in-process component of `k8ts server`: every controller, over
 * HTTPS to the apiservers (component-client.ts), under Lease-based leader election (so several
 * servers of one cluster never run two active controller managers). The cluster CA it trusts
 * for the apiservers is what the root CA publisher puts in every namespace.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_CONTROLLER_SETTINGS, runControllerManager } from '../controllers/index.ts';
import { connectComponent } from './component-client.ts';
import type { InProcessComponent } from './in-process-components.ts';

export const controllerManagerComponent: InProcessComponent = {
  name: 'controller-manager',
  async start(ctx) {
    const client = connectComponent(ctx, 'k8ts-controller-manager');
    const abort = new AbortController();
    const done = runControllerManager(
      {
        clientset: client.clientset,
        logger: client.logger,
        settings: { ...DEFAULT_CONTROLLER_SETTINGS, rootCaPem: ctx.tls.caPem },
        leaderElection: { identity: `${ctx.nodeName}_${randomUUID()}`, ...ctx.leaderElection },
      },
      abort.signal,
    ).catch((err: unknown) => client.logger.error('controller manager stopped with an error', { err }));
    return {
      async stop() {
        abort.abort();
        await done;
        await client.close();
      },
    };
  },
};
