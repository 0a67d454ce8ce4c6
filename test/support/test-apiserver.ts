/**
 * An in-process API server on memory (or given) storage with throwaway certificates, plus a
 * small HTTPS request helper, for integration tests that exercise several layers at once.
 */
import { generateKeyPairSync } from 'node:crypto';
import { request as httpsRequest, Agent } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { generateTestCerts, type TestCerts } from '../../src/client/testing/test-certs.ts';
import { startApiServer, type ApiServerOptions, type RunningApiServer } from '../../src/apiserver/server.ts';
import { MemoryStorage } from '../../src/storage/memory/memory-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';

export interface Response {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: any;
}

export interface RequestOptions {
  readonly body?: string | Buffer | object;
  readonly headers?: Record<string, string>;
  /** Send no client certificate (anonymous, or token auth through headers). */
  readonly anonymous?: boolean;
  readonly agent?: Agent;
}

export interface TestApiServer {
  readonly server: RunningApiServer;
  readonly storage: Storage;
  readonly certs: TestCerts;
  readonly agent: Agent;
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** Stops the server, and the storage too unless it was given (several servers may share one). */
  close(): Promise<void>;
}

/** A throwaway key pair for signing service account tokens. */
function serviceAccountKey(): { privateKeyPem: string; publicKeyPem: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  return { privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
}

/** `certs`: the TLS material to use (default: freshly generated), e.g. to sign a fake kubelet's with the same CA. */
export async function startTestApiServer(overrides: Partial<ApiServerOptions> = {}, certs?: TestCerts): Promise<TestApiServer> {
  certs ??= await generateTestCerts();
  const ownsStorage = overrides.storage === undefined;
  const storage = overrides.storage ?? new MemoryStorage();
  const server = await startApiServer({
    storage,
    bindAddress: '127.0.0.1',
    port: 0,
    tls: { certPem: certs.serverCertPem, keyPem: certs.serverKeyPem, clientCaPem: certs.caPem },
    serviceAccountKey: serviceAccountKey(),
    log: () => {},
    ...overrides,
  });
  const url = new URL(server.url);
  const agent = new Agent({ keepAlive: true, ca: certs.caPem, cert: certs.clientCertPem, key: certs.clientKeyPem, maxSockets: 64 });
  const anonymousAgent = new Agent({ keepAlive: true, ca: certs.caPem });

  function request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    let body: Buffer | undefined;
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (options.body !== undefined) {
      body = Buffer.isBuffer(options.body) ? options.body : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
      headers['Content-Type'] ??= 'application/json';
      // Node's client sends a DELETE body with neither Content-Length nor chunked framing unless told.
      headers['Content-Length'] = String(body.length);
    }
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        { host: url.hostname, port: url.port, method, path, headers, agent: options.agent ?? (options.anonymous ? anonymousAgent : agent) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  return {
    server,
    storage,
    certs,
    agent,
    request,
    async close() {
      agent.destroy();
      anonymousAgent.destroy();
      await server.close();
      if (ownsStorage) await storage.close();
    },
  };
}
