/**
 * The load balancer's status endpoint (plain HTTP on its own port, read by `k8ts status`):
 *   GET /backends → { engine, listen, backends: BackendStatus[] }
 *   GET /healthz  → 200 ok
 */
import { createServer, type Server } from 'node:http';
import type { BackendStatus } from './backend-pool.ts';

/** What GET /backends answers. */
export interface LoadBalancerStatus {
  readonly engine: 'builtin' | 'haproxy';
  /** `address:port` the balancer serves clients on. */
  readonly listen: string;
  readonly backends: readonly BackendStatus[];
}

export interface RunningStatusServer {
  close(): Promise<void>;
}

export async function startStatusServer(bindAddress: string, port: number, status: () => Promise<LoadBalancerStatus>): Promise<RunningStatusServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://lb.invalid').pathname;
    if (req.method !== 'GET' || (path !== '/backends' && path !== '/healthz')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /backends\n');
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    status().then(
      (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`),
      (err: unknown) => res.writeHead(503, { 'content-type': 'text/plain' }).end(`status unavailable: ${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
