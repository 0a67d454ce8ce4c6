/**
 * The active health check of a backend apiserver: an anonymous HTTPS `GET /readyz` on a fresh
 * connection (so a check proves the backend accepts connections now), the server certificate
 * verified against the cluster CA. Healthy means 200 within the timeout; a refused connection,
 * or one whose TLS handshake does not finish in time, is "unreachable" (the process is dead or
 * frozen: the kernel still accepts connections for a frozen process, but nothing answers the
 * handshake); any other answer, or a handshake followed by no answer in time, is "unready" (it
 * runs but should not get traffic now: its store lost quorum, it is shutting down, or it is too
 * busy to answer; its open connections are not cut at once, see backend-pool.ts).
 */
import { request } from 'node:https';
import type { Backend } from './backends.ts';

export type CheckOutcome = 'ready' | 'unready' | 'unreachable';

export interface CheckResult {
  readonly outcome: CheckOutcome;
  /** `HTTP 200`, `HTTP 500`, or the connection error. */
  readonly detail: string;
}

/** Runs one check of `backend`. Never throws. */
export function checkReadyz(backend: Backend, caPem: string, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: CheckResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request(
      { host: backend.host, port: backend.port, path: '/readyz', method: 'GET', ca: caPem, agent: false, headers: { 'user-agent': 'k8ts-lb' } },
      (res) => {
        res.resume();
        res.on('end', () => done({ outcome: res.statusCode === 200 ? 'ready' : 'unready', detail: `HTTP ${res.statusCode}` }));
        res.on('error', (err) => done({ outcome: 'unready', detail: err.message }));
      },
    );
    let handshaken = false;
    req.on('socket', (socket) => socket.once('secureConnect', () => (handshaken = true)));
    const timer = setTimeout(() => {
      done(handshaken ? { outcome: 'unready', detail: `no answer within ${timeoutMs} ms` } : { outcome: 'unreachable', detail: `no TLS handshake within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A TLS failure means something answers, but not an apiserver of this cluster.
      const unreachable = ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ETIMEDOUT'].includes(err.code ?? '');
      done({ outcome: unreachable ? 'unreachable' : 'unready', detail: err.code ?? err.message });
    });
    req.end();
  });
}
