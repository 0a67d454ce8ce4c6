/**
 * The apiserver's request metrics, named and labelled as upstream's so dashboards and queries
 * carry over: `apiserver_request_total` (by verb, group, version, resource, subresource, scope
 * and status code), `apiserver_request_duration_seconds` (by verb, resource and subresource;
 * long-running watches and connections excluded, as upstream does) and
 * `apiserver_current_inflight_requests` (by request kind).
 */
import type { IncomingMessage } from 'node:http';
import { Counter, Gauge, Histogram } from 'prom-client';
import { processMetrics } from '../util/metrics.ts';
import type { RequestInfo } from './request-info.ts';

const requests = new Counter({
  name: 'apiserver_request_total',
  help: 'Requests served, by verb, group, version, resource, subresource, scope and HTTP status code',
  labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'code'],
  registers: [processMetrics],
});

const durations = new Histogram({
  name: 'apiserver_request_duration_seconds',
  help: 'Response latency of requests that are not long-running, by verb, resource and subresource',
  labelNames: ['verb', 'resource', 'subresource'],
  buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
  registers: [processMetrics],
});

const inflightSources = new Set<() => { readOnly: number; mutating: number }>();

new Gauge({
  name: 'apiserver_current_inflight_requests',
  help: 'Requests being served now, by kind (readOnly, mutating), long-running ones excluded',
  labelNames: ['request_kind'],
  registers: [processMetrics],
  collect() {
    let readOnly = 0;
    let mutating = 0;
    for (const read of inflightSources) {
      const now = read();
      readOnly += now.readOnly;
      mutating += now.mutating;
    }
    this.set({ request_kind: 'readOnly' }, readOnly);
    this.set({ request_kind: 'mutating' }, mutating);
  },
});

/** Reports an apiserver's in-flight counts (read when scraped) until the returned function is called. */
export function trackInflight(read: () => { readOnly: number; mutating: number }): () => void {
  inflightSources.add(read);
  return () => inflightSources.delete(read);
}

/** Upstream's verb label: the HTTP verb, LIST and WATCH for collection reads, APPLY for server-side apply. */
function verbLabel(req: IncomingMessage, info: RequestInfo | undefined): string {
  if (info?.kind !== 'resource') return (req.method ?? 'GET').toUpperCase();
  switch (info.verb) {
    case 'list':
      return 'LIST';
    case 'watch':
      return 'WATCH';
    case 'patch':
      return (req.headers['content-type'] ?? '').startsWith('application/apply-patch') ? 'APPLY' : 'PATCH';
    default:
      return (req.method ?? 'GET').toUpperCase();
  }
}

/** Records a finished request (`info` undefined when it failed before it was parsed, e.g. a 401). */
export function recordRequest(req: IncomingMessage, info: RequestInfo | undefined, code: number, seconds: number, longRunning: boolean): void {
  const resource = info?.kind === 'resource' ? info : undefined;
  const verb = verbLabel(req, info);
  const scope = resource === undefined ? '' : resource.name !== '' ? 'resource' : resource.namespace !== '' ? 'namespace' : 'cluster';
  requests.inc({
    verb,
    group: resource?.group ?? '',
    version: resource?.version ?? '',
    resource: resource?.resource ?? '',
    subresource: resource?.subresource ?? '',
    scope,
    code: String(code),
  });
  if (!longRunning) durations.observe({ verb, resource: resource?.resource ?? '', subresource: resource?.subresource ?? '' }, seconds);
}
