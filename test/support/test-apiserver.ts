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

/** One event of a watch stream. */
export interface WatchEvent {
  readonly type: string;
  readonly object: any;
}

/** A watch request's response, read event by event as it streams. */
export interface WatchStream {
  /** The response status, and its body when it is not 200 (a Status). */
  readonly response: Promise<{ status: number; json: any }>;
  /** The next event, waiting for it to arrive; rejects when the stream ends first. */
  next(): Promise<WatchEvent>;
  close(): void;
}

export interface TestApiServer {
  readonly server: RunningApiServer;
  readonly storage: Storage;
  readonly certs: TestCerts;
  readonly agent: Agent;
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** Opens a streaming GET of `path` (a watch), with the client certificate. */
  watch(path: string): WatchStream;
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

  function watch(path: string): WatchStream {
    const events: WatchEvent[] = [];
    const waiting: Array<{ resolve: (e: WatchEvent) => void; reject: (err: Error) => void }> = [];
    let ended: Error | undefined;
    const end = (err: Error): void => {
      ended ??= err;
      for (const w of waiting.splice(0)) w.reject(ended);
    };
    const req = httpsRequest({ host: url.hostname, port: url.port, method: 'GET', path, headers: { Accept: 'application/json' }, agent });
    const response = new Promise<{ status: number; json: any }>((resolve, reject) => {
      req.on('response', (res) => {
        let buffer = '';
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8');
          if (res.statusCode !== 200) return;
          for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
            const event = JSON.parse(buffer.slice(0, nl)) as WatchEvent;
            buffer = buffer.slice(nl + 1);
            const w = waiting.shift();
            if (w === undefined) events.push(event);
            else w.resolve(event);
          }
        });
        res.on('end', () => {
          end(new Error(`the watch of ${path} ended`));
          if (res.statusCode !== 200) resolve({ status: res.statusCode ?? 0, json: JSON.parse(buffer) });
        });
        res.on('error', () => end(new Error(`the watch of ${path} failed`)));
        if (res.statusCode === 200) resolve({ status: 200, json: undefined });
      });
      req.on('error', (err) => {
        end(err);
        reject(err);
      });
    });
    req.end();
    return {
      response,
      next: () => {
        const event = events.shift();
        if (event !== undefined) return Promise.resolve(event);
        if (ended !== undefined) return Promise.reject(ended);
        return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
      },
      close: () => req.destroy(),
    };
  }

  return {
    server,
    storage,
    certs,
    agent,
    request,
    watch,
    async close() {
      agent.destroy();
      anonymousAgent.destroy();
      await server.close();
      if (ownsStorage) await storage.close();
    },
  };
}
