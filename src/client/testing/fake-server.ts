/**
 * A tiny HTTP(S) server on 127.0.0.1 for client tests: each request is recorded and handed to
 * the test's handler. `close()` also drops kept-alive and streaming connections.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TestCerts } from './test-certs.ts';

/** A request as the fake server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** CN of the verified client certificate, when one was presented. */
  clientCommonName: string | undefined;
}

/** Answers one recorded request. */
export type FakeHandler = (req: RecordedRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

/** A running fake server. */
export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Writes a metav1 Status error response. */
export function sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  sendJson(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message });
}

/**
 * Starts a server. With `certs`, it serves HTTPS with the test server certificate and asks for
 * (but does not require) a client certificate signed by the test CA.
 */
export async function startFakeServer(handler: FakeHandler, certs?: TestCerts): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const listener = (raw: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const socket = raw.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' && socket.authorized ? socket.getPeerCertificate() : undefined;
      const cn = peer?.subject?.CN;
      const rec: RecordedRequest = {
        method: raw.method ?? '',
        url: raw.url ?? '',
        headers: raw.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        clientCommonName: Array.isArray(cn) ? cn[0] : cn,
      };
      requests.push(rec);
      Promise.resolve(handler(rec, res, raw)).catch((err: unknown) => {
        if (!res.headersSent) sendStatus(res, 500, 'InternalError', String(err));
      });
    });
  };
  const server = certs
    ? https.createServer({ key: certs.serverKeyPem, cert: certs.serverCertPem, ca: certs.caPem, requestCert: true, rejectUnauthorized: false }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${certs ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A loopback URL on which nothing listens (connections are refused). */
export async function refusedUrl(scheme: 'http' | 'https' = 'https'): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `${scheme}://127.0.0.1:${port}`;
}
