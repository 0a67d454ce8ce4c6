/**
 * kube-proxy for one node: watches Services and EndpointSlices through the client (shared
 * informers), and after every change recomputes what to serve (service-ports.ts) and hands it to
 * the proxier, which listens on each ClusterIP:port machine-wide, on each NodePort at this node's
 * address, and relays connections to ready endpoints. Changes arriving together are applied in
 * one sync. See docs/ARCHITECTURE.md ("Service networking") for how several nodes' proxies on
 * one machine share the ClusterIP addresses.
 */
import { serviceType } from '../api/core/v1/service.ts';
import { endpointSliceType } from '../api/discovery/v1/endpoint-slice.ts';
import type { KubeObject } from '../api/meta/types.ts';
import { SharedInformerFactory, silentLogger, type Clientset, type Logger } from '../client/index.ts';
import { Proxier, type ListenerStatus } from './proxier.ts';
import { proxiedPorts, slicesByService } from './service-ports.ts';

export interface KubeProxyOptions {
  readonly clientset: Clientset;
  /** This node's name (endpoints with this nodeName are "local" for externalTrafficPolicy Local). */
  readonly nodeName: string;
  /** This node's address: its NodePorts listen here. */
  readonly nodeIp: string;
  readonly logger?: Logger;
  /** Stops the proxy when aborted (as `stop()` does). */
  readonly signal?: AbortSignal;
  /** How often a listener whose address another proxy holds tries to take it over (default 1 s). */
  readonly standbyRetryMs?: number;
  /** How long a dial to one backend may take before the next is tried (default 5 s). */
  readonly dialTimeoutMs?: number;
}

export interface RunningKubeProxy {
  /** Resolves true once the caches synced and the first sync was applied; false if stopped before. */
  readonly synced: Promise<boolean>;
  /** Every listener and its state (`listening`, or `standby` while another proxy holds it). */
  listeners(): ListenerStatus[];
  /** The proxier (balancers and connection counts, for tests and diagnostics). */
  readonly proxier: Proxier;
  /** Stops watching, closes every listener and relayed connection. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts kube-proxy for one node; returns at once (see `synced`). */
export function startKubeProxy(opts: KubeProxyOptions): RunningKubeProxy {
  const logger = opts.logger ?? silentLogger;
  const abort = new AbortController();

  const factory = new SharedInformerFactory(opts.clientset, { logger });
  const services = factory.informerFor<KubeObject>(serviceType);
  const slices = factory.informerFor<KubeObject>(endpointSliceType);
  const proxier = new Proxier({
    nodeName: opts.nodeName,
    logger,
    ...(opts.standbyRetryMs === undefined ? {} : { standbyRetryMs: opts.standbyRetryMs }),
    ...(opts.dialTimeoutMs === undefined ? {} : { dialTimeoutMs: opts.dialTimeoutMs }),
  });

  let ready = false;
  let pending: NodeJS.Immediate | undefined;
  const sync = (): void => {
    pending = undefined;
    if (abort.signal.aborted) return;
    proxier.sync(proxiedPorts(services.store.list(), slicesByService(slices.store.list()), opts.nodeIp));
  };
  const schedule = (): void => {
    if (ready && pending === undefined) pending = setImmediate(sync);
  };
  for (const informer of [services, slices]) {
    informer.addEventHandler({ onAdd: schedule, onUpdate: schedule, onDelete: schedule });
  }
  factory.start(abort.signal);
  const synced = factory.waitForCacheSync(abort.signal).then((ok) => {
    if (!ok || abort.signal.aborted) return false;
    ready = true;
    sync();
    logger.info('kube-proxy synced', { node: opts.nodeName, listeners: proxier.listeners().length });
    return true;
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      opts.signal?.removeEventListener('abort', onOuterAbort);
      abort.abort();
      if (pending !== undefined) clearImmediate(pending);
      await factory.stopped();
      proxier.stop();
    })());
  const onOuterAbort = (): void => void stop();
  if (opts.signal?.aborted === true) void stop();
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });

  return { synced, listeners: () => proxier.listeners(), proxier, stop };
}
