/**
 * Proxying connection upgrades (WebSocket, SPDY) to a backend: the client's request is sent on to
 * `target` (HTTPS with the given client certificate, or plain HTTP), and
 *
 *   - when the backend answers 101 Switching Protocols, its response head goes back to the
 *     client verbatim and the two connections are piped together until either side closes;
 *   - when it answers anything else (an error Status, say), that response goes back to the
 *     client and the connection is closed.
 *
 * The client's credentials (Authorization, cookies) are not forwarded: the apiserver speaks to
 * the backend as itself. Used for pods/exec, attach and portforward (backend: the kubelet), and
 * meant for nodes/proxy and pods/proxy upgrades too.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpRequest, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { ApiError } from '../errors.ts';

export interface UpgradeTarget {
  /** Backend URL: scheme, host, port, path and query. */
  readonly url: URL;
  /**
   * For https targets: the CA that signs the backend's certificate, and our client certificate;
   * or `insecure` for a backend whose certificate cannot be checked (a pod's own), which is
   * then not verified.
   */
  readonly tls?: { readonly caPem: string; readonly certPem?: string; readonly keyPem?: string } | 'insecure';
  /** How long to wait for the backend's answer, ms. @default 30000 */
  readonly timeoutMs?: number;
}

/** Request headers never passed to the backend. */
const DROPPED = new Set(['host', 'authorization', 'cookie', 'proxy-authorization', 'x-remote-user', 'x-remote-group', 'impersonate-user', 'impersonate-group', 'impersonate-uid']);

/** The client's headers as the backend should get them. */
export function forwardedHeaders(headers: IncomingHttpHeaders, target: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED.has(name.toLowerCase())) continue;
    out[name] = value;
  }
  out['host'] = target.host;
  return out;
}

function headBytes(statusLine: string, rawHeaders: readonly string[]): string {
  let head = `${statusLine}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return `${head}\r\n`;
}

/**
 * Sends the upgrade request `req` (whose connection is `client`, with `head` already read past
 * the request head) to `target` and joins the connections (see the file comment). `onError` is
 * called when the backend cannot be reached; it must answer the client.
 */
export function proxyUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, target: UpgradeTarget, onError: (err: Error) => void): void {
  const url = target.url;
  const https = url.protocol === 'https:';
  const options = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
    method: req.method ?? 'GET',
    path: `${url.pathname}${url.search}`,
    headers: forwardedHeaders(req.headers, url),
    agent: false as const,
    timeout: target.timeoutMs ?? 30_000,
    ...(!https || target.tls === undefined
      ? {}
      : target.tls === 'insecure'
        ? { rejectUnauthorized: false }
        : { ca: target.tls.caPem, cert: target.tls.certPem, key: target.tls.keyPem }),
  };
  const backend = (https ? httpsRequest : httpRequest)(options);
  let answered = false;
  client.on('error', () => backend.destroy());

  backend.on('upgrade', (res: IncomingMessage, socket: Duplex, backendHead: Buffer) => {
    answered = true;
    // The answer came: an idle session must not be cut by the wait-for-answer timeout.
    (socket as Duplex & { setTimeout?: (ms: number) => void }).setTimeout?.(0);
    socket.on('error', () => client.destroy());
    client.write(headBytes(`HTTP/1.1 101 ${res.statusMessage ?? 'Switching Protocols'}`, res.rawHeaders));
    if (backendHead.length > 0) client.write(backendHead);
    if (head.length > 0) socket.write(head);
    socket.pipe(client);
    client.pipe(socket);
    const closeBoth = (): void => {
      socket.destroy();
      client.destroy();
    };
    socket.on('close', closeBoth);
    client.on('close', closeBoth);
  });

  backend.on('response', (res: IncomingMessage) => {
    answered = true;
    const headers = res.rawHeaders.filter((_, i, all) => {
      const name = (i % 2 === 0 ? all[i] : all[i - 1])!.toLowerCase();
      return name !== 'connection' && name !== 'keep-alive' && name !== 'transfer-encoding';
    });
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      const withoutLength = headers.filter((_, i, all) => (i % 2 === 0 ? all[i] : all[i - 1])!.toLowerCase() !== 'content-length');
      client.write(headBytes(`HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}`, [...withoutLength, 'Content-Length', String(body.length), 'Connection', 'close']));
      client.end(body);
    });
    res.on('error', () => client.destroy());
  });

  backend.on('timeout', () => backend.destroy(new Error(`${url.host} did not answer within ${(target.timeoutMs ?? 30_000) / 1000}s`)));
  backend.on('error', (err) => {
    if (!answered) onError(err);
    else client.destroy();
  });
  backend.end();
}

/**
 * Writes an ApiError as a complete HTTP response on a connection taken over from the HTTP
 * server (an upgrade whose backend could not be reached), then closes it.
 */
export function writeSocketError(socket: Duplex, err: ApiError): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(err.toStatus());
  const extra = Object.entries(err.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${err.code} ${STATUS_CODES[err.code] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-cache, private\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}
