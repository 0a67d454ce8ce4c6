/**
 * The proxy subresources `pods/proxy`, `services/proxy` and `nodes/proxy` (plain requests and
 * upgrades), and which paths may upgrade at all: these, and pods/exec, attach and portforward
 * (handlers/pod-streams.ts passes those through to the pod's kubelet).
 *
 * Paths: `/api/v1/namespaces/<ns>/pods/<[scheme:]name[:port]>/proxy[/<path>]`, the same for
 * services, `/api/v1/nodes/<[scheme:]name[:port]>/proxy[/<path>]`. A request for the proxy root
 * without a trailing slash is redirected (301) to it with the slash, as upstream does, so the
 * backend's relative links resolve under the proxy path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pathNotFound } from '../errors.ts';
import type { ApiRegistry } from '../registry/api-registry.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import { forwardRequest, forwardUpgrade } from './forward.ts';
import type { KubeletClientConfig } from '../kubelet-connection.ts';
import { nodeProxyTarget, podProxyTarget, serviceProxyTarget, type ProxyTarget } from './proxy-target.ts';

export interface ProxyDeps {
  readonly registry: ApiRegistry;
  /** How to reach kubelets (nodes/proxy); without it that answers 503. */
  readonly kubeletClient: KubeletClientConfig | undefined;
}

const PROXY_PATH = /^(\/api\/v1\/(?:namespaces\/[^/]+\/)?(?:pods|services|nodes)\/[^/]+\/proxy)(\/.*)?$/;
/** The pod subresources the kubelet serves over an upgraded connection. */
const POD_STREAM_PATH = /^\/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+\/(?:exec|attach|portforward)$/;

/** Whether a connection upgrade to `pathname` is served (everything else is answered as a plain request). */
export function isUpgradeRoute(pathname: string): boolean {
  return PROXY_PATH.test(pathname) || POD_STREAM_PATH.test(pathname);
}

/** Whether `info` names a subresource this module serves. */
export function isConnectSubresource(info: ResourceRequestInfo): boolean {
  if (info.group !== '' || info.version !== 'v1' || info.name === '') return false;
  return info.subresource === 'proxy' && ['pods', 'services', 'nodes'].includes(info.resource);
}

/** `/api/v1/.../proxy` and the rest of the path after it ('' for none). */
function splitProxyPath(pathname: string): { prefix: string; rest: string } {
  const m = PROXY_PATH.exec(pathname);
  if (m === null) throw pathNotFound();
  return { prefix: m[1]!, rest: m[2] ?? '' };
}

async function resolve(deps: ProxyDeps, info: ResourceRequestInfo, pathname: string): Promise<{ target: ProxyTarget; path: string; prefix: string }> {
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

/**
 * Serves an upgrade request to a connection subresource; `res` is bound to its connection and
 * answers errors found before the connection is passed through.
 */
export async function serveConnectUpgrade(deps: ProxyDeps, req: IncomingMessage, res: ServerResponse, socket: Duplex, head: Buffer, url: URL, info: ResourceRequestInfo): Promise<void> {
  const { target, path } = await resolve(deps, info, url.pathname);
  forwardUpgrade(res, req, socket, head, target, path, url.search);
}

