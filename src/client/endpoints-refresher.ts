/**
 * Keeps a RestClient's endpoint list current without a load balancer: watches the `kubernetes`
 * Endpoints in `default` (every live apiserver lists itself there) and probes the current
 * endpoint's /readyz, so a client moves off an apiserver that drains, dies or hangs.
 */
import { endpointsType } from '../api/core/v1/endpoints.ts';
import type { KubeObject } from '../api/meta/types.ts';
import type { Clientset } from './clientset.ts';
import type { Clock } from './clock.ts';
import { pause, realClock } from './clock.ts';
import { Informer } from './informer.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';
import { listerWatcherFor } from './reflector.ts';

interface EndpointSubset {
  addresses?: { ip?: string }[];
  ports?: { name?: string; port?: number }[];
}

/**
 * The apiserver URLs an Endpoints object lists (`https://<ip>:<port>`, the port named `https`
 * or else the first), followed by the `seeds` not among them: seeds stay as a last resort
 * (they may be a load balancer, or an apiserver that is only restarting). A listed `preferred`
 * URL (a component's local apiserver) goes first.
 */
export function endpointUrls(endpoints: KubeObject, seeds: readonly string[], preferred?: string): string[] {
  const urls: string[] = [];
  for (const subset of (endpoints.subsets ?? []) as EndpointSubset[]) {
    const port = (subset.ports ?? []).find((p) => p.name === 'https') ?? subset.ports?.[0];
    if (port?.port === undefined) continue;
    for (const addr of subset.addresses ?? []) {
      if (addr.ip === undefined || addr.ip === '') continue;
      const host = addr.ip.includes(':') ? `[${addr.ip}]` : addr.ip;
      const url = `https://${host}:${port.port}`;
      if (!urls.includes(url)) urls.push(url);
    }
  }
  if (urls.length === 0) return [];
  const listed = preferred !== undefined && urls.includes(preferred) ? [preferred, ...urls.filter((u) => u !== preferred)] : urls;
  return [...listed, ...seeds.filter((s) => !urls.includes(s))];
}

/** Pacing of the refresher's readiness probe. */
export interface EndpointsRefresherOptions {
  /** Interval of the /readyz probe of the current endpoint, ms; 0 turns it off. @default 5000 */
  readinessIntervalMs?: number;
  /** An endpoint kept first whenever the Endpoints list it (e.g. the apiserver in the same process). */
  preferred?: string;
  /** @default realClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

/**
 * Refreshes `clientset.rest`'s endpoints until `signal` aborts. The endpoints it was created
 * with are kept as seeds. An empty Endpoints object leaves the list unchanged.
 */
export async function runEndpointsRefresher(clientset: Clientset, signal: AbortSignal, opts: EndpointsRefresherOptions = {}): Promise<void> {
  const clock = opts.clock ?? realClock;
  const logger = opts.logger ?? silentLogger;
  const rest = clientset.rest;
  const seeds = [...rest.endpoints];
  const informer = new Informer<KubeObject>({
    listerWatcher: listerWatcherFor(clientset.resource(endpointsType), { namespace: 'default', fieldSelector: 'metadata.name=kubernetes' }),
    name: 'kubernetes-endpoints',
    clock,
    logger,
  });
  const apply = (ep: KubeObject): void => {
    const urls = endpointUrls(ep, seeds, opts.preferred);
    if (urls.length === 0 || urls.join() === rest.endpoints.join()) return;
    logger.info('apiserver endpoints refreshed', { endpoints: urls });
    rest.setEndpoints(urls);
  };
  informer.addEventHandler({ onAdd: apply, onUpdate: (_old, ep) => apply(ep) });

  const interval = opts.readinessIntervalMs ?? 5000;
  const probe = async (): Promise<void> => {
    while (interval > 0 && (await pause(clock, interval, signal))) await rest.checkReadiness();
  };
  await Promise.all([informer.run(signal), probe()]);
}
