/**
 * One attempt of a probe or lifecycle handler: `httpGet` (a status 200-399 succeeds; the host
 * defaults to the pod's IP; HTTPS does not verify the certificate, as upstream), `tcpSocket`
 * (the connection opens), `exec` (the command exits 0, run in the container's context), `grpc`
 * (the standard gRPC health service answers SERVING) and `sleep` (lifecycle hooks only).
 */
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Container, Handler } from '../api-types.ts';
import type { ProbeResult } from './prober.ts';
import { grpcHealthCheck } from './grpc-health.ts';

/** Not an ESM import, which would load undici for node:http's WebSocket export (see client/rest-client.ts). */
const { request: httpRequest } = process.getBuiltinModule('node:http');

export interface HandlerContext {
  readonly podIP: string;
  readonly container: Container;
  /** Runs a command in the container; resolves with its exit code and output (truncated). */
  readonly exec: (argv: readonly string[], timeoutMs: number) => Promise<{ exitCode: number; output: string }>;
}

/** A port given by number or by the name of one of the container's ports. */
export function resolvePort(port: number | string, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

const USER_AGENT = 'kube-probe/1.32';

function httpAttempt(h: NonNullable<Handler['httpGet']>, ctx: HandlerContext, timeoutMs: number): Promise<ProbeResult> {
  const port = resolvePort(h.port, ctx.container);
  if (port === undefined) return Promise.resolve({ ok: false, message: `port "${h.port}" is not a port of container "${ctx.container.name}"` });
  const host = h.host !== undefined && h.host !== '' ? h.host : ctx.podIP;
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: '*/*' };
  for (const header of h.httpHeaders ?? []) headers[header.name] = header.value;
  const path = h.path !== undefined && h.path !== '' ? (h.path.startsWith('/') ? h.path : `/${h.path}`) : '/';
  const https = h.scheme === 'HTTPS';
  const url = `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  return new Promise((resolve) => {
    const req = (https ? httpsRequest : httpRequest)(url, { method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { ok: true } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (err) => resolve({ ok: false, message: `Get "${url}": ${err.message}` }));
    req.end();
  });
}

function tcpAttempt(h: NonNullable<Handler['tcpSocket']>, ctx: HandlerContext, timeoutMs: number): Promise<ProbeResult> {
  const port = resolvePort(h.port, ctx.container);
  if (port === undefined) return Promise.resolve({ ok: false, message: `port "${h.port}" is not a port of container "${ctx.container.name}"` });
  const host = h.host !== undefined && h.host !== '' ? h.host : ctx.podIP;
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: true });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` });
    });
  });
}

/** Runs the handler once with a deadline of `timeoutMs`. */
export async function runHandler(handler: Handler, ctx: HandlerContext, timeoutMs: number): Promise<ProbeResult> {
  if (handler.exec !== undefined) {
    const argv = handler.exec.command ?? [];
    if (argv.length === 0) return { ok: false, message: 'exec probe has no command' };
    const { exitCode, output } = await ctx.exec(argv, timeoutMs);
    return exitCode === 0 ? { ok: true } : { ok: false, message: output.trim() === '' ? `command ${JSON.stringify(argv)} exited with ${exitCode}` : output.trim() };
  }
  if (handler.httpGet !== undefined) return httpAttempt(handler.httpGet, ctx, timeoutMs);
  if (handler.tcpSocket !== undefined) return tcpAttempt(handler.tcpSocket, ctx, timeoutMs);
  if (handler.grpc !== undefined) return grpcHealthCheck(ctx.podIP, handler.grpc.port, handler.grpc.service ?? '', timeoutMs);
  if (handler.sleep !== undefined) {
    await new Promise((r) => setTimeout(r, Math.min(timeoutMs, handler.sleep!.seconds * 1000)));
    return { ok: true };
  }
  return { ok: false, message: 'the handler sets none of exec, httpGet, tcpSocket, grpc or sleep' };
}
