/**
 * The scheduler as an in-process component of `k8ts server`: over HTTPS to the apiservers
 * (component-client.ts), under leader election on the `kube-system/kube-scheduler` Lease (so
 * several servers of one cluster, or a `k8ts scheduler` process next to them, never schedule at
 * once).
 */
import { randomUUID } from 'node:crypto';
import { runScheduler } from '../scheduler/index.ts';
import { connectComponent } from './component-client.ts';
import type { InProcessComponent } from './in-process-components.ts';

export const schedulerComponent: InProcessComponent = {
  name: 'scheduler',
  async start(ctx) {
    const client = connectComponent(ctx, 'k8ts-scheduler');
    const abort = new AbortController();
    const done = runScheduler(
      { clientset: client.clientset, logger: client.logger, leaderElection: { identity: `${ctx.nodeName}_${randomUUID()}`, ...ctx.leaderElection } },
      abort.signal,
    ).catch((err: unknown) => client.logger.error('scheduler stopped with an error', { err }));
    return {
      async stop() {
        abort.abort();
        await done;
        await client.close();
      },
    };
  },
};
