/**
 * Readiness probes of a cluster's processes over HTTPS, authenticated as the cluster admin and
 * verifying the server against the cluster CA (so a probe that succeeds also proves the serving
 * certificate and the admin kubeconfig's credentials work).
 */
import { request } from 'node:https';

export interface ProbeCredentials {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** What one probe saw: ready (HTTP 200), or why not. */
export interface ProbeResult {
  readonly ready: boolean;
  readonly detail: string;
}

/** GETs `url` once; ready when it answers 200 within `timeoutMs`. */
export function probeReady(url: string, credentials: ProbeCredentials, timeoutMs = 2_000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', ca: credentials.caPem, cert: credentials.certPem, key: credentials.keyPem, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      res.on('end', () => resolve({ ready: res.statusCode === 200, detail: `HTTP ${res.statusCode}${res.statusCode === 200 ? '' : `: ${body.trim().slice(0, 200)}`}` }));
      res.on('error', (err) => resolve({ ready: false, detail: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ready: false, detail: err.message }));
    req.end();
  });
}
