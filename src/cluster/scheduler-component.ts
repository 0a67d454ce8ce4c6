/**
 * The scheduler as an in-process component of `k8ts server`: over HTTPS to the local
 * apiserver, under leader election on the `kube-system/kube-scheduler` Lease (so several
 * servers of one cluster, or a `k8ts scheduler` process next to them, never schedule at once).
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Clientset, lineLogger } from '../client/index.ts';
import { runScheduler } from '../scheduler/index.ts';
import type { InProcessComponent } from './in-process-components.ts';

export const schedulerComponent: InProcessComponent = {
  name: 'scheduler',
  async start(ctx) {
    const logger = lineLogger(ctx.log);
    const clientset = Clientset.fromOptions({
      endpoints: [ctx.apiServerUrl],
      ca: ctx.tls.caPem,
      cert: ctx.tls.certPem,
      key: ctx.tls.keyPem,
      userAgent: 'k8ts-scheduler',
      logger,
    });
    const abort = new AbortController();
    const done = runScheduler({ clientset, logger, leaderElection: { identity: `${hostname()}_${randomUUID()}` } }, abort.signal).catch((err: unknown) =>
      logger.error('scheduler stopped with an error', { err }),
    );
    return {
      async stop() {
        abort.abort();
        await done;
        clientset.close();
      },
    };
  },
};
