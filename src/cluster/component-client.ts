/**
 * The API client of an in-process component: every apiserver of the cluster as an endpoint (the
 * local one first), kept current from the `kubernetes` Endpoints with the local one preferred
 * while it is listed, so a component fails over by itself when its own apiserver goes.
 */
import { Clientset, lineLogger, runEndpointsRefresher, type Logger } from '../client/index.ts';
import type { InProcessComponentContext } from './in-process-components.ts';

export interface ComponentClient {
  readonly clientset: Clientset;
  readonly logger: Logger;
  /** Stops following the endpoints and closes the client (after the component stopped using it). */
  close(): Promise<void>;
}

/** `maxRequestConnections`: see RestClientOptions (a kubelet bounds its connections). */
export function connectComponent(ctx: InProcessComponentContext, userAgent: string, options: { maxRequestConnections?: number } = {}): ComponentClient {
  const logger = lineLogger(ctx.log);
  const clientset = Clientset.fromOptions({
    endpoints: ctx.apiServerUrls,
    ca: ctx.tls.caPem,
    cert: ctx.tls.certPem,
    key: ctx.tls.keyPem,
    userAgent,
    logger,
    ...options,
  });
  const abort = new AbortController();
  const refresher = runEndpointsRefresher(clientset, abort.signal, { preferred: ctx.apiServerUrl, logger }).catch((err: unknown) =>
    logger.error('apiserver endpoints refresher stopped with an error', { err }),
  );
  return {
    clientset,
    logger,
    async close() {
      abort.abort();
      await refresher;
      clientset.close();
    },
  };
}
