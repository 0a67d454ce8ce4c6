/**
 * The kubelet's HTTPS server (port 10250), which the apiserver reaches for pods/log, exec,
 * attach and port-forward:
 *
 *   GET  /healthz                                    "ok" (no client certificate needed)
 *   GET  /pods                                       PodList of the pods this kubelet runs
 *   GET  /containerLogs/<ns>/<pod>/<container>       ?follow&tailLines&sinceSeconds&sinceTime&timestamps&previous&limitBytes
 *   GET  /exec/<ns>/<pod>/<container>?command=…      WebSocket v5/v4.channel.k8s.io (&stdin&stdout&stderr&tty)
 *   GET  /attach/<ns>/<pod>/<container>              WebSocket, the container's output from now on
 *   *    /portForward/<ns>/<pod>                      connection upgrade, handed to portforward.ts
 *
 * Clients must present a certificate signed by the cluster CA, and only the apiserver's
 * kubelet-client identity (CN kube-apiserver-kubelet-client) or a member of system:masters may
 * use it (401 / 403 otherwise). Errors are metav1.Status bodies. SPDY (kubectl's fallback when
 * the WebSocket upgrade fails) is refused with a 400 that says WebSocket is required.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { servePortForward } from '../portforward.ts';
import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import type { Logger } from '../../client/index.ts';
import { streamLog, type LogReadOptions } from '../logs/log-reader.ts';
import { exitStatus, pickChannelProtocol, serveChannels } from './channel-stream.ts';
import { badRequest, KubeletRequestError, type NodePods } from './node-pods.ts';
import { KUBELET_PORT } from '../ports.ts';

export { KUBELET_PORT };

export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';
const MASTERS_GROUP = 'system:masters';

export interface KubeletServerOptions {
  readonly address: string;
  /** @default 10250 */
  readonly port?: number;
  /** Serving certificate and key, and the CA client certificates must be signed by (PEM). */
  readonly tls: { readonly certPem: string; readonly keyPem: string; readonly clientCaPem: string };
  readonly pods: NodePods;
  readonly logger: Logger;
}

export interface RunningKubeletServer {
  /** `https://<address>:<port>`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A TCP connection to `port` of a pod, resolved once connected. */
function dialPod(podIP: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: podIP, port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

function writeStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = statusBody(code, reason, message);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Writes a Status on a raw socket (an upgrade request that is refused) and closes it. */
function refuseUpgrade(socket: Duplex, code: number, reason: string, message: string): void {
  const body = statusBody(code, reason, message);
  const text = code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : code === 404 ? 'Not Found' : code === 501 ? 'Not Implemented' : 'Bad Request';
  socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Who the client is, or why it may not come in. */
function authorize(req: IncomingMessage): { ok: true } | { ok: false; code: number; reason: string; message: string } {
  const socket = req.socket as TLSSocket;
  const cert = socket.authorized ? socket.getPeerCertificate() : undefined;
  if (cert === undefined || Object.keys(cert).length === 0) return { ok: false, code: 401, reason: 'Unauthorized', message: 'Unauthorized' };
  const subject = cert.subject as unknown as Record<string, string | string[] | undefined>;
  const cn = [subject['CN']].flat()[0] ?? '';
  const groups = [subject['O'] ?? []].flat();
  if (cn === KUBELET_CLIENT_USER || groups.includes(MASTERS_GROUP)) return { ok: true };
  return { ok: false, code: 403, reason: 'Forbidden', message: `Forbidden (user=${cn}, verb=get, resource=nodes, subresource(s)=[proxy])` };
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

function nonNegativeInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw badRequest(`${name} must be a non-negative integer, got "${v}"`);
  return Number(v);
}

/** The log options of a containerLogs query (the apiserver validated them already; checked again). */
export function parseLogOptions(q: URLSearchParams, nowMs: number): LogReadOptions & { follow: boolean; previous: boolean } {
  const sinceSeconds = nonNegativeInt(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime');
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = nowMs - sinceSeconds * 1000;
  else if (sinceTime !== null && sinceTime !== '') {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw badRequest(`sinceTime must be an RFC 3339 time, got "${sinceTime}"`);
    sinceMs = t;
  }
  const tailLines = nonNegativeInt(q, 'tailLines');
  const limitBytes = nonNegativeInt(q, 'limitBytes');
  return {
    follow: flag(q, 'follow'),
    previous: flag(q, 'previous'),
    timestamps: flag(q, 'timestamps'),
    ...(tailLines === undefined ? {} : { tailLines }),
    ...(limitBytes === undefined ? {} : { limitBytes }),
    ...(sinceMs === undefined ? {} : { sinceMs }),
  };
}

function pathParts(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((p) => p !== '')
    .map((p) => decodeURIComponent(p));
}

export async function startKubeletServer(opts: KubeletServerOptions): Promise<RunningKubeletServer> {
  const { pods, logger } = opts;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => pickChannelProtocol(offered) ?? false });
  const streams = new Set<AbortController>();

  async function serveLogs(req: IncomingMessage, res: ServerResponse, parts: string[], q: URLSearchParams): Promise<void> {
    const [ns, pod, container] = parts as [string, string, string];
    const options = parseLogOptions(q, Date.now());
    const source = pods.containerLog(ns, pod, container, options.previous);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    if (source.path === undefined) {
      res.end();
      return;
    }
    const abort = new AbortController();
    streams.add(abort);
    res.on('close', () => abort.abort());
    try {
      // Headers go out at once, so a follower sees the response before the first line.
      res.flushHeaders();
      await streamLog(source.path, res, options, options.follow ? source.follow : undefined, abort.signal);
    } finally {
      streams.delete(abort);
      res.end();
    }
  }

  function serveExec(req: IncomingMessage, socket: Duplex, head: Buffer, parts: string[], q: URLSearchParams): void {
    const [ns, pod, container] = parts as [string, string, string];
    const argv = q.getAll('command');
    if (argv.length === 0) throw badRequest('you must specify at least 1 command');
    const stdin = flag(q, 'stdin');
    const stdout = flag(q, 'stdout');
    const stderr = flag(q, 'stderr');
    const tty = flag(q, 'tty');
    if (!stdin && !stdout && !stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
    // Checked (and the process started) before the upgrade, so a failure is a plain HTTP error.
    const proc = pods.exec(ns, pod, container, argv, { stdin, tty });
    wss.handleUpgrade(req, socket, head, (ws) => {
      const protocol = pickChannelProtocol([ws.protocol])!;
      void serveChannels(ws, protocol, {
        stdout: stdout ? proc.stdout : null,
        stderr: stderr && !tty ? proc.stderr : null,
        stdin: proc.stdin,
        done: proc.exited.then((code) => exitStatus(code, argv)),
        abort: () => proc.kill(),
      });
      if (!stdout) proc.stdout?.resume();
      if (!stderr || tty) proc.stderr?.resume();
    });
  }

  function serveAttach(req: IncomingMessage, socket: Duplex, head: Buffer, parts: string[], q: URLSearchParams): void {
    const [ns, pod, container] = parts as [string, string, string];
    const target = pods.attach(ns, pod, container);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const protocol = pickChannelProtocol([ws.protocol])!;
      const out = new PassThrough();
      const abort = new AbortController();
      const done = streamLog(target.path, out, { timestamps: false, tailLines: 0 }, target.follow, abort.signal)
        .catch((err: unknown) => logger.warn('attach stream failed', { error: err }))
        .then(() => {
          out.end();
          return { metadata: {}, status: 'Success' };
        });
      void serveChannels(ws, protocol, { stdout: flag(q, 'stdout') || !flag(q, 'stderr') ? out : null, stdin: null, done, abort: () => abort.abort() });
    });
  }

  function forwardPorts(req: IncomingMessage, socket: Duplex, head: Buffer, parts: string[]): void {
    const [ns, pod] = parts as [string, string];
    const podIP = pods.podIP(ns, pod);
    servePortForward(req, socket, head, (port) => dialPod(podIP, port));
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
    const parts = pathParts(url.pathname);
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    const auth = authorize(req);
    if (!auth.ok) return writeStatus(res, auth.code, auth.reason, auth.message);
    const [root, ...rest] = parts;
    if (root === 'pods' && rest.length === 0 && req.method === 'GET') {
      const body = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods.pods() });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (root === 'containerLogs' && rest.length === 3 && req.method === 'GET') return serveLogs(req, res, rest, url.searchParams);
    if ((root === 'exec' || root === 'attach' || root === 'portForward') && rest.length >= 2) {
      const spdy = (req.headers.upgrade ?? '').toLowerCase().startsWith('spdy');
      return writeStatus(
        res,
        400,
        'BadRequest',
        spdy
          ? 'this kubelet speaks the WebSocket streaming protocols (v5.channel.k8s.io, v4.channel.k8s.io), not SPDY; use a client that tries WebSocket first (kubectl 1.30+)'
          : 'Upgrade request required',
      );
    }
    writeStatus(res, 404, 'NotFound', `the kubelet has no ${url.pathname}`);
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
    const [root, ...rest] = pathParts(url.pathname);
    const auth = authorize(req);
    if (!auth.ok) return refuseUpgrade(socket, auth.code, auth.reason, auth.message);
    const websocket = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    if (root === 'portForward' && rest.length === 2) return forwardPorts(req, socket, head, rest);
    if ((root === 'exec' || root === 'attach') && rest.length === 3) {
      // A request that cannot succeed says why, whatever protocol it asked for (kubectl falls
      // back to SPDY after a refused WebSocket upgrade and shows the second answer).
      pods.checkRunning(rest[0]!, rest[1]!, rest[2]!);
      if (!websocket) {
        return refuseUpgrade(socket, 400, 'BadRequest', 'this kubelet speaks the WebSocket streaming protocols (v5.channel.k8s.io, v4.channel.k8s.io), not SPDY');
      }
      const offered = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim());
      if (pickChannelProtocol(offered) === undefined) {
        return refuseUpgrade(socket, 400, 'BadRequest', `none of the offered subprotocols (${offered.join(', ')}) is supported; use v5.channel.k8s.io or v4.channel.k8s.io`);
      }
      if (root === 'exec') return serveExec(req, socket, head, rest, url.searchParams);
      return serveAttach(req, socket, head, rest, url.searchParams);
    }
    refuseUpgrade(socket, 404, 'NotFound', `the kubelet has no ${url.pathname}`);
  }

  const server: Server = createServer(
    { cert: opts.tls.certPem, key: opts.tls.keyPem, ca: opts.tls.clientCaPem, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
    (req, res) => {
      handleRequest(req, res).catch((err: unknown) => {
        if (err instanceof KubeletRequestError) return writeStatus(res, err.code, err.reason, err.message);
        logger.error('kubelet request failed', { path: req.url, error: err });
        writeStatus(res, 500, 'InternalError', err instanceof Error ? err.message : String(err));
      });
    },
  );
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    handleUpgrade(req, socket, head).catch((err: unknown) => {
      if (err instanceof KubeletRequestError) return refuseUpgrade(socket, err.code, err.reason, err.message);
      logger.error('kubelet upgrade failed', { path: req.url, error: err });
      refuseUpgrade(socket, 500, 'InternalError', err instanceof Error ? err.message : String(err));
    });
  });
  server.on('tlsClientError', () => undefined);
  server.on('clientError', (_err, socket) => socket.destroy());
  const sockets = new Set<Duplex>();
  server.on('secureConnection', (s: Duplex) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? KUBELET_PORT, opts.address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? KUBELET_PORT);
  return {
    url: `https://${opts.address.includes(':') ? `[${opts.address}]` : opts.address}:${port}`,
    port,
    async close() {
      for (const s of streams) s.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of wss.clients) client.terminate();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
