/**
 * The pod subresources served by the pod's kubelet:
 *
 *   GET pods/<name>/log                 proxied to the kubelet's /containerLogs (streamed; `follow`
 *                                       keeps the response open, each chunk flushed as it comes)
 *   GET|POST pods/<name>/exec, attach   connection upgrades (WebSocket, or SPDY which the kubelet
 *   GET|POST pods/<name>/portforward    refuses) passed through to the kubelet's /exec, /attach,
 *                                       /portForward (http/upgrade-proxy.ts)
 *
 * The pod and container are checked here first, so the common mistakes get a clear 400 before any
 * connection to a kubelet: no container named (several to choose from), an unknown container, a
 * pod not scheduled yet, exec into a finished pod, or a request without an upgrade.
 */
import { request as httpsRequest } from 'node:https';
import { badRequest, serviceUnavailable } from '../errors.ts';
import { writeError } from '../http/respond.ts';
import { proxyUpgrade, writeSocketError } from '../http/upgrade-proxy.ts';
import type { KubeletClientConfig } from '../kubelet-connection.ts';
import { locatePod, resolveContainer } from '../kubelet-connection.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import type { RequestContext } from './request-context.ts';

/** Query parameters of pods/log passed on to the kubelet. */
const LOG_PARAMS = ['follow', 'tailLines', 'sinceSeconds', 'sinceTime', 'timestamps', 'previous', 'limitBytes', 'insecureSkipTLSVerifyBackend'];

function integerParam(q: URLSearchParams, name: string, min: number, rule: string): void {
  const v = q.get(name);
  if (v === null || v === '') return;
  if (!/^-?\d+$/.test(v)) throw badRequest(`${name}: Invalid value: "${v}": must be an integer`);
  if (Number(v) < min) throw badRequest(`${name}: Invalid value: ${v}: ${rule}`);
}

/** Checks the PodLogOptions of a log request (upstream's rules). @throws ApiError 400 */
export function validateLogQuery(q: URLSearchParams): void {
  integerParam(q, 'tailLines', 0, 'must be greater than or equal to 0');
  integerParam(q, 'limitBytes', 1, 'must be greater than 0');
  integerParam(q, 'sinceSeconds', 1, 'must be greater than 0');
  const sinceTime = q.get('sinceTime');
  if (sinceTime !== null && sinceTime !== '' && Number.isNaN(Date.parse(sinceTime))) {
    throw badRequest(`sinceTime: Invalid value: "${sinceTime}": must be an RFC 3339 time such as 2024-01-02T15:04:05Z`);
  }
  if (q.get('sinceSeconds') !== null && sinceTime !== null) throw badRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  for (const name of ['follow', 'timestamps', 'previous']) {
    const v = q.get(name);
    if (v !== null && !['true', 'false', '1', '0', ''].includes(v)) throw badRequest(`${name}: Invalid value: "${v}": must be true or false`);
  }
}

function requireKubeletClient(ctx: RequestContext): KubeletClientConfig {
  if (ctx.kubelet === undefined) throw serviceUnavailable('this apiserver has no kubelet client certificate, so it cannot reach kubelets');
  return ctx.kubelet;
}

function unreachable(nodeName: string, url: URL, err: Error): ReturnType<typeof serviceUnavailable> {
  return serviceUnavailable(`cannot reach the kubelet of node "${nodeName}" at ${url.host}: ${err.message}`);
}

/** GET pods/<name>/log. */
export async function handlePodLog(ctx: RequestContext, info: ResourceRequestInfo, namespace: string): Promise<void> {
  if (info.verb !== 'get') throw badRequest(`pods/log supports only GET, not ${ctx.req.method}`);
  const q = ctx.url.searchParams;
  validateLogQuery(q);
  const kubelet = requireKubeletClient(ctx);
  const { pod, node, baseUrl } = await locatePod(ctx.registry, namespace, info.name);
  const container = resolveContainer(pod, q.get('container'));
  const target = new URL(`/containerLogs/${encodeURIComponent(namespace)}/${encodeURIComponent(info.name)}/${encodeURIComponent(container)}`, baseUrl);
  for (const name of LOG_PARAMS) for (const v of q.getAll(name)) target.searchParams.append(name, v);

  await new Promise<void>((resolve) => {
    const backend = httpsRequest(target, { method: 'GET', ca: kubelet.caPem, cert: kubelet.certPem, key: kubelet.keyPem, agent: false, timeout: 30_000 }, (res) => {
      res.socket.setTimeout(0);
      const headers: Record<string, string> = { 'Content-Type': res.headers['content-type'] ?? 'text/plain', 'Cache-Control': 'no-cache, private' };
      ctx.res.writeHead(res.statusCode ?? 502, headers);
      ctx.res.flushHeaders();
      res.on('data', (chunk: Buffer) => ctx.res.write(chunk));
      res.on('end', () => {
        ctx.res.end();
        resolve();
      });
      res.on('error', () => {
        ctx.res.destroy();
        resolve();
      });
    });
    ctx.res.on('close', () => backend.destroy());
    backend.on('timeout', () => backend.destroy(new Error('no answer within 30s')));
    backend.on('error', (err) => {
      if (!ctx.res.headersSent) writeError(ctx.res, unreachable(node.metadata.name ?? '', target, err));
      else ctx.res.destroy();
      resolve();
    });
    backend.end();
  });
}

const KUBELET_PATHS: Readonly<Record<string, string>> = { exec: 'exec', attach: 'attach', portforward: 'portForward' };

/** exec, attach and portforward: an upgrade passed through to the kubelet. */
export async function handlePodConnect(ctx: RequestContext, info: ResourceRequestInfo, namespace: string): Promise<void> {
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'POST') throw badRequest(`pods/${info.subresource} supports GET and POST, not ${ctx.req.method}`);
  const upgrade = ctx.upgrade;
  if (upgrade === undefined) throw badRequest('Upgrade request required');
  const kubelet = requireKubeletClient(ctx);
  const { pod, node, baseUrl } = await locatePod(ctx.registry, namespace, info.name);
  const q = ctx.url.searchParams;
  let path = `/${KUBELET_PATHS[info.subresource]!}/${encodeURIComponent(namespace)}/${encodeURIComponent(info.name)}`;
  if (info.subresource !== 'portforward') {
    const container = resolveContainer(pod, q.get('container'));
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      throw badRequest(`cannot ${info.subresource} into a container in a completed pod; current phase is ${phase}`);
    }
    path += `/${encodeURIComponent(container)}`;
  }
  const target = new URL(path, baseUrl);
  for (const [k, v] of q) if (k !== 'container') target.searchParams.append(k, v);
  // The connection now belongs to the proxy; the response object is left unused.
  ctx.res.detachSocket(upgrade.socket as never);
  proxyUpgrade(ctx.req, upgrade.socket, upgrade.head, { url: target, tls: kubelet }, (err) => writeSocketError(upgrade.socket, unreachable(node.metadata.name ?? '', target, err)));
}
