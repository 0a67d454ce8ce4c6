/**
 * Health gates of an HA cluster's startup, each polled (bounded) until it holds, failing early
 * when a process it waits for has exited:
 * - etcd: every given member serves a linearizable read (so the cluster has a leader and a quorum);
 * - apiservers: each answers /readyz 200 (its store serves, its caches are loaded);
 * - load balancer: it reports every given backend up, and /readyz through it answers 200.
 */
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadBalancerStatus } from '../lb/index.ts';
import type { EtcdTlsOptions } from '../storage/etcd/etcd-client.ts';
import type { LoadBalancerRecord } from './cluster-record.ts';
import { endpointHealth } from './etcd-admin.ts';
import { probeReady, type ProbeCredentials } from './readiness.ts';

/** Why a process is gone (`exited with code 1`), or undefined while it runs. */
export type GoneCheck = () => Promise<string | undefined>;

/** A gate that did not open: what it waited for and the last thing it saw. */
export class GateError extends Error {
  override readonly name = 'GateError';
  /** The process whose log explains it, if one exited. */
  readonly process?: string;
  constructor(message: string, process?: string) {
    super(message);
    if (process !== undefined) this.process = process;
  }
}

const POLL_MS = 100;

/** Waits until every member in `members` (name → client URL) serves. */
export async function waitForEtcdMembers(
  members: ReadonlyMap<string, string>,
  tls: EtcdTlsOptions,
  timeoutMs: number,
  gone: (member: string) => Promise<string | undefined>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Map(members);
  for (;;) {
    const checks = await Promise.all(
      [...pending].map(async ([name, url]) => {
        const why = await gone(name);
        if (why !== undefined) throw new GateError(`etcd member ${name} ${why} before it served`, name);
        return [name, await endpointHealth(url, tls, 1_000)] as const;
      }),
    );
    for (const [name, problem] of checks) if (problem === undefined) pending.delete(name);
    if (pending.size === 0) return;
    if (Date.now() >= deadline) {
      throw new GateError(`etcd members not serving after ${timeoutMs / 1000}s: ${checks.filter(([, p]) => p !== undefined).map(([n, p]) => `${n}: ${p}`).join('; ')}`);
    }
    await sleep(POLL_MS);
  }
}

/** Waits until the apiserver at `readyUrl` answers 200. */
export async function waitForApiServer(name: string, readyUrl: string, credentials: ProbeCredentials, timeoutMs: number, gone: GoneCheck): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    const why = await gone();
    if (why !== undefined) throw new GateError(`${name} ${why} before it was ready`, name);
    const probe = await probeReady(readyUrl, credentials, 2_000);
    if (probe.ready) return;
    last = probe.detail;
    if (Date.now() >= deadline) throw new GateError(`${name} is not ready after ${timeoutMs / 1000}s (last /readyz answer: ${last})`, name);
    await sleep(POLL_MS * 2);
  }
}

/** The load balancer's own report of its backends (GET /backends on its status port). */
export function fetchLoadBalancerStatus(lb: LoadBalancerRecord, timeoutMs = 1_000): Promise<LoadBalancerStatus> {
  return new Promise((resolve, reject) => {
    const req = request({ host: lb.address, port: lb.statusPort, path: '/backends', timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) {
          reject(new Error(`the load balancer's status answered HTTP ${res.statusCode}: ${body.trim()}`));
          return;
        }
        try {
          resolve(JSON.parse(body) as LoadBalancerStatus);
        } catch (err) {
          reject(new Error(`the load balancer's status is not JSON: ${(err as Error).message}`, { cause: err }));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Waits until the load balancer reports every backend in `backends` up and passes /readyz through. */
export async function waitForLoadBalancer(
  lb: LoadBalancerRecord,
  backends: readonly string[],
  credentials: ProbeCredentials,
  timeoutMs: number,
  gone: GoneCheck,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    const why = await gone();
    if (why !== undefined) throw new GateError(`the load balancer ${why} before it was ready`, 'lb');
    try {
      const status = await fetchLoadBalancerStatus(lb);
      const down = backends.filter((b) => !status.backends.some((s) => s.name === b && s.up));
      if (down.length === 0) {
        const probe = await probeReady(`https://${lb.address}:${lb.port}/readyz`, credentials, 2_000);
        if (probe.ready) return;
        last = `/readyz through it: ${probe.detail}`;
      } else {
        last = `backends not up: ${down.map((b) => `${b} (${status.backends.find((s) => s.name === b)?.reason ?? 'unknown'})`).join(', ')}`;
      }
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() >= deadline) throw new GateError(`the load balancer is not ready after ${timeoutMs / 1000}s: ${last}`, 'lb');
    await sleep(POLL_MS);
  }
}

/** Waits until Node `node` exists and reports Ready=True (read through `apiServerUrl` as the admin). */
export async function waitForNodeReady(apiServerUrl: string, node: string, credentials: ProbeCredentials, timeoutMs: number, gone: GoneCheck): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    const why = await gone();
    if (why !== undefined) throw new GateError(`the agent of ${node} ${why} before its node was ready`, node);
    last = await nodeReadiness(apiServerUrl, node, credentials).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
    if (last === 'Ready') return;
    if (Date.now() >= deadline) throw new GateError(`node ${node} is not Ready after ${timeoutMs / 1000}s: ${last}`, node);
    await sleep(POLL_MS * 3);
  }
}

/** `Ready`, or why not (the Node's Ready condition, or its absence). */
function nodeReadiness(apiServerUrl: string, node: string, credentials: ProbeCredentials): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${apiServerUrl}/api/v1/nodes/${node}`, { ca: credentials.caPem, cert: credentials.certPem, key: credentials.keyPem, agent: false, timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode === 404) return resolve('the node has not registered');
        if (res.statusCode !== 200) return resolve(`HTTP ${res.statusCode}`);
        try {
          const conditions = ((JSON.parse(body) as { status?: { conditions?: Array<{ type: string; status: string; reason?: string }> } }).status?.conditions ?? []);
          const ready = conditions.find((c) => c.type === 'Ready');
          resolve(ready?.status === 'True' ? 'Ready' : `Ready is ${ready?.status ?? 'not reported'}${ready?.reason === undefined ? '' : ` (${ready.reason})`}`);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', reject);
    req.end();
  });
}
