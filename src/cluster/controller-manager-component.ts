/**
 * The controller manager as an in-process component of `k8ts server`: every controller, over
 * HTTPS to the local apiserver, under Lease-based leader election (so several servers of one
 * cluster never run two active controller managers).
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Clientset, lineLogger } from '../client/index.ts';
import { runControllerManager } from '../controllers/index.ts';
import type { InProcessComponent } from './in-process-components.ts';

export const controllerManagerComponent: InProcessComponent = {
  name: 'controller-manager',
  async start(ctx) {
    const logger = lineLogger(ctx.log);
    const clientset = Clientset.fromOptions({
      endpoints: [ctx.apiServerUrl],
      ca: ctx.tls.caPem,
      cert: ctx.tls.certPem,
      key: ctx.tls.keyPem,
      userAgent: 'k8ts-controller-manager',
      logger,
    });
    const abort = new AbortController();
    const done = runControllerManager(
      { clientset, logger, leaderElection: { identity: `${hostname()}_${randomUUID()}` } },
      abort.signal,
    ).catch((err: unknown) => logger.error('controller manager stopped with an error', { err }));
    return {
      async stop() {
        abort.abort();
        await done;
        clientset.close();
      },
    };
  },
};
