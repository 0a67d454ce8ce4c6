/**
 * Passing a request through to a ProxyTarget: plain HTTP requests (any method, query string,
 * streaming bodies both ways) and connection upgrades (WebSocket, SPDY: the request is written to
 * the target as is and the two connections are then joined byte for byte, so the target's own
 * 101 or error answer reaches the client).
 *
 * What is not passed on: hop-by-hop headers, and the client's credentials for this apiserver
 * (`Authorization`, `Impersonate-*`), which are the apiserver's business, not the backend's, as
 * upstream drops them after authentication. A redirect (`Location`) that points into the backend
 * is rewritten to go through the proxy path again. HTML bodies are passed through unchanged (so
 * absolute links in a proxied page leave the proxy path; relative links work).
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { serviceUnavailable, type ApiError } from '../errors.ts';
import { proxyUpgrade, writeSocketError } from '../http/upgrade-proxy.ts';
import type { ProxyTarget } from './proxy-target.ts';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

/** Whether a request header must not reach the backend (credentials for this apiserver). */
function isCredential(name: string): boolean {
  return name === 'authorization' || name.startsWith('impersonate-');
}

/** Header names a `Connection` header lists (they are hop-by-hop too). */
function connectionTokens(value: string | string[] | undefined): Set<string> {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(joined.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== ''));
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function tlsOptions(target: ProxyTarget): { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean } {
  if (target.tls?.mode === 'verify') return { ca: target.tls.client.caPem, cert: target.tls.client.certPem, key: target.tls.client.keyPem, rejectUnauthorized: true };
  return { rejectUnauthorized: false };
}

function reachError(err: unknown): ApiError {
  return serviceUnavailable(`error trying to reach service: ${err instanceof Error ? err.message : String(err)}`);
}

/**
 * Rewrites a backend's redirect so it goes through the proxy again: an absolute path, or an
 * absolute URL of the backend itself, gets `proxyPrefix` (e.g. `/api/v1/namespaces/default/services/web:80/proxy`).
 */
export function rewriteLocation(location: string, target: ProxyTarget, proxyPrefix: string): string {
  if (location.startsWith('/') && !location.startsWith('//')) return `${proxyPrefix}${location}`;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return location;
  }
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  const port = url.port === '' ? defaultPort : Number(url.port);
  if (url.hostname.replace(/^\[|\]$/g, '') !== target.host || port !== target.port) return location;
  return `${proxyPrefix}${url.pathname}${url.search}${url.hash}`;
}

/** The target path for a proxied remainder (`/a/b` or ''), with the target's own prefix. */
function targetPath(target: ProxyTarget, path: string, search: string): string {
  const joined = `${target.pathPrefix}${path}`;
  return `${joined === '' ? '/' : joined}${search}`;
}

/**
 * Forwards `req` to `target` and streams the answer into `res`. Resolves when the exchange is
 * over; connection failures before an answer become 503 Status errors (thrown).
 */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, target: ProxyTarget, path: string, search: string, proxyPrefix: string): Promise<void> {
  const drop = connectionTokens(req.headers.connection);
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || drop.has(name) || isCredential(name)) continue;
    headers[name] = value;
  }
  const forwardedFor = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior === undefined ? forwardedFor : `${Array.isArray(prior) ? prior.join(', ') : prior}, ${forwardedFor}`;

  return new Promise<void>((resolve, reject) => {
    const options = { host: target.host, port: target.port, method: req.method ?? 'GET', path: targetPath(target, path, search), headers };
    const proxyReq =
      target.scheme === 'https' ? httpsRequest({ ...options, ...tlsOptions(target), agent: false }) : httpRequest({ ...options, agent: false });
    let answered = false;
    proxyReq.on('response', (proxyRes) => {
      answered = true;
      const out: OutgoingHttpHeaders = {};
      const dropOut = connectionTokens(proxyRes.headers.connection);
      for (const [name, value] of Object.entries(proxyRes.headers)) {
        if (value === undefined || HOP_BY_HOP.has(name) || dropOut.has(name)) continue;
        out[name] = name === 'location' && typeof value === 'string' ? rewriteLocation(value, target, proxyPrefix) : value;
      }
      res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage, out);
      res.flushHeaders();
      proxyRes.pipe(res);
      proxyRes.on('end', () => resolve());
      proxyRes.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    proxyReq.on('error', (err) => {
      if (!answered) reject(reachError(err));
      else {
        res.destroy();
        resolve();
      }
    });
    // The client went away: so does the request to the backend.
    res.on('close', () => {
      if (!res.writableFinished) proxyReq.destroy();
      resolve();
    });
    req.pipe(proxyReq);
  });
}

/**
 * Passes an upgrade request through to `target` (http/upgrade-proxy.ts: the client's request less
 * its credentials, then the two connections joined). The connection leaves `res`; a backend that
 * cannot be reached is answered on it as a 503 Status.
 */
export function forwardUpgrade(res: ServerResponse, req: IncomingMessage, socket: Duplex, head: Buffer, target: ProxyTarget, path: string, search: string): void {
  res.detachSocket(socket as Socket);
  const url = new URL(`${target.scheme}://${hostPort(target.host, target.port)}${targetPath(target, path, search)}`);
  const tls = target.tls === undefined ? undefined : target.tls.mode === 'insecure' ? ('insecure' as const) : target.tls.client;
  proxyUpgrade(req, socket, head, { url, ...(tls === undefined ? {} : { tls }) }, (err) => writeSocketError(socket, reachError(err)));
}
