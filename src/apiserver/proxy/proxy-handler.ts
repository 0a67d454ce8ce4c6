/**
 * The connection subresources: `pods/proxy`, `services/proxy`, `nodes/proxy` (plain requests and
 * upgrades) and `pods/portforward` (upgrades only, passed through to the kubelet of the pod's
 * node, which speaks the port-forward protocols itself: src/kubelet/portforward.ts).
 *
 * Paths: `/api/v1/namespaces/<ns>/pods/<[scheme:]name[:port]>/proxy[/<path>]`, the same for
 * services, `/api/v1/nodes/<[scheme:]name[:port]>/proxy[/<path>]`. A request for the proxy root
 * without a trailing slash is redirected (301) to it with the slash, as upstream does, so the
 * backend's relative links resolve under the proxy path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequest, pathNotFound } from '../errors.ts';
import type { ApiRegistry } from '../registry/api-registry.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import { forwardRequest, forwardUpgrade } from './forward.ts';
import { nodeProxyTarget, podKubeletTarget, podProxyTarget, serviceProxyTarget, type KubeletClientTls, type ProxyTarget } from './proxy-target.ts';

export interface ProxyDeps {
  readonly registry: ApiRegistry;
  /** How to reach kubelets (nodes/proxy, pods/portforward); without it those answer 503. */
  readonly kubeletClient: KubeletClientTls | undefined;
}

/**
 * The kubelet endpoint that serves each pod subresource passed through to it (upgrades to
 * `pods/<name>/<subresource>` go to `/<endpoint>/<namespace>/<name>` on the pod's kubelet).
 */
const KUBELET_POD_PATHS: Readonly<Record<string, string>> = { portforward: 'portForward' };

const PROXY_PATH = /^(\/api\/v1\/(?:namespaces\/[^/]+\/)?(?:pods|services|nodes)\/[^/]+\/proxy)(\/.*)?$/;
const KUBELET_POD_PATH = new RegExp(`^/api/v1/namespaces/[^/]+/pods/[^/]+/(?:${Object.keys(KUBELET_POD_PATHS).join('|')})$`);

/** Whether a connection upgrade to `pathname` is served (everything else is answered as a plain request). */
export function isUpgradeRoute(pathname: string): boolean {
  return PROXY_PATH.test(pathname) || KUBELET_POD_PATH.test(pathname);
}

/** Whether `info` names a subresource this module serves. */
export function isConnectSubresource(info: ResourceRequestInfo): boolean {
  if (info.group !== '' || info.version !== 'v1' || info.name === '') return false;
  if (info.subresource === 'proxy') return ['pods', 'services', 'nodes'].includes(info.resource);
  return info.resource === 'pods' && info.subresource in KUBELET_POD_PATHS;
}

/** `/api/v1/.../proxy` and the rest of the path after it ('' for none). */
function splitProxyPath(pathname: string): { prefix: string; rest: string } {
  const m = PROXY_PATH.exec(pathname);
  if (m === null) throw pathNotFound();
  return { prefix: m[1]!, rest: m[2] ?? '' };
}

async function resolve(deps: ProxyDeps, info: ResourceRequestInfo, pathname: string): Promise<{ target: ProxyTarget; path: string; prefix: string }> {
  if (info.subresource !== 'proxy') {
    const kubeletPath = KUBELET_POD_PATHS[info.subresource]!;
    return { target: await podKubeletTarget(deps.registry, info.namespace, info.name, kubeletPath, deps.kubeletClient), path: '', prefix: '' };
  }
  const { prefix, rest } = splitProxyPath(pathname);
  let target: ProxyTarget;
  switch (info.resource) {
    case 'pods':
      target = await podProxyTarget(deps.registry, info.namespace, info.name);
      break;
    case 'services':
      target = await serviceProxyTarget(deps.registry, info.namespace, info.name);
      break;
    default:
      target = await nodeProxyTarget(deps.registry, info.name, deps.kubeletClient);
  }
  return { target, path: rest, prefix };
}

/** Serves a plain (not upgrading) request to a connection subresource. */
export async function serveConnect(deps: ProxyDeps, req: IncomingMessage, res: ServerResponse, url: URL, info: ResourceRequestInfo): Promise<void> {
  if (info.subresource !== 'proxy') throw badRequest('Upgrade request required');
  const { prefix, rest } = splitProxyPath(url.pathname);
  if (rest === '' && !url.pathname.endsWith('/')) {
    // Checked before the target, as upstream: the redirect needs no backend.
    res.writeHead(301, { Location: `${url.pathname}/${url.search}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  const { target, path } = await resolve(deps, info, url.pathname);
  await forwardRequest(req, res, target, path, url.search, prefix);
}

/** Serves an upgrade request to a connection subresource (errors are the caller's to write on the socket). */
export async function serveConnectUpgrade(deps: ProxyDeps, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, info: ResourceRequestInfo): Promise<void> {
  const { target, path } = await resolve(deps, info, url.pathname);
  await forwardUpgrade(req, socket, head, target, path, url.search);
}

