/**
 * The controller manager as an in-process component of `k8ts server`: every controller, over
 * HTTPS to the apiservers (the local one first, failing over to the others and following the
 * `kubernetes` Endpoints), under Lease-based leader election (so several servers of one cluster
 * never run two active controller managers).
 */
import { randomUUID } from 'node:crypto';
import { Clientset, lineLogger, runEndpointsRefresher } from '../client/index.ts';
import { runControllerManager } from '../controllers/index.ts';
import type { InProcessComponent } from './in-process-components.ts';

export const controllerManagerComponent: InProcessComponent = {
  name: 'controller-manager',
  async start(ctx) {
    const logger = lineLogger(ctx.log);
    const clientset = Clientset.fromOptions({
      endpoints: ctx.apiServerUrls,
      ca: ctx.tls.caPem,
      cert: ctx.tls.certPem,
      key: ctx.tls.keyPem,
      userAgent: 'k8ts-controller-manager',
      logger,
    });
    const abort = new AbortController();
    const refresher = runEndpointsRefresher(clientset, abort.signal, { preferred: ctx.apiServerUrl, logger }).catch((err: unknown) =>
      logger.error('apiserver endpoints refresher stopped with an error', { err }),
    );
    const done = runControllerManager(
      { clientset, logger, leaderElection: { identity: `${ctx.nodeName}_${randomUUID()}`, ...ctx.leaderElection } },
      abort.signal,
    ).catch((err: unknown) => logger.error('controller manager stopped with an error', { err }));
    return {
      async stop() {
        abort.abort();
        await Promise.all([done, refresher]);
        clientset.close();
      },
    };
  },
};
