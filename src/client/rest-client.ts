/**
 * The HTTP layer every component talks to the apiserver through: HTTPS with keep-alive, client
 * certificate or bearer-token auth, and failover over a list of apiserver endpoints (the k3s
 * agent pattern, so no load balancer is a single point of failure).
 *
 * Failover rules:
 * - Requests go to the current endpoint. A transport failure (refused, reset, TLS failure,
 *   connect or request timeout) or a 503 moves the current endpoint to the next one in the list.
 * - Idempotent requests (GET, PUT, DELETE) are then retried on the next endpoint, each endpoint
 *   at most once per call. PUT is safe to repeat because updates carry a resourceVersion (a
 *   repeat after success gets a 409, never a double write).
 * - POST and PATCH are retried only when nothing reached the server: the connection was never
 *   established (refused, TLS failure, connect timeout).
 * - A 429 (an apiserver shutting down, or over its in-flight budget) means the request was
 *   rejected unprocessed, so any request moves on to the next endpoint.
 * - A keep-alive socket the server closed while idle fails with ECONNRESET before any response:
 *   the request never reached the server, so it is retried once on the same endpoint.
 * - Streams (watches) on an endpoint that is removed by `setEndpoints` or fails its readiness
 *   check are destroyed, so their consumers re-watch on a healthy endpoint.
 */
import type { Agent as HttpAgent, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import * as https from 'node:https';
import { abortReason } from './clock.ts';
import { ApiError, ConnectionError } from './errors.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';

/**
 * node:http without an ESM import: the ESM namespace of node:http reads every export, and its
 * WebSocket, CloseEvent and MessageEvent getters load undici (with http2, perf_hooks and
 * worker_threads), some 4 MB of memory in every component that never uses them.
 */
const http = process.getBuiltinModule('node:http');

/** How to reach and authenticate to the apiservers. */
export interface RestClientOptions {
  /** Apiserver base URLs (`https://10.0.0.1:6443`), tried in this order. At least one. */
  endpoints: readonly string[];
  /** PEM CA bundle that signs the apiserver certificates. */
  ca?: string | Buffer;
  /** PEM client certificate (with `key`) for client-certificate authentication. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Bearer token. Sent only over https, as kubectl does. */
  token?: string;
  /** Skip server certificate verification. @default false */
  insecureSkipTlsVerify?: boolean;
  /** @default 'k8ts' */
  userAgent?: string;
  /** Longest time for a non-streaming request, connect to last body byte, in ms. @default 30000 */
  requestTimeoutMs?: number;
  /** Longest time to establish a connection (TCP and TLS), in ms. @default 5000 */
  connectTimeoutMs?: number;
  /**
   * Most connections per endpoint for non-streaming requests; more requests wait for a free
   * one. Streams (watches, log follows) have connections of their own and never wait. A burst
   * of concurrent requests otherwise opens a connection each, and every TLS handshake costs both
   * sides milliseconds of CPU (a node agent starting 100 pods opened 56 instead of 13).
   * @default unbounded
   */
  maxRequestConnections?: number;
  /** @default silentLogger */
  logger?: Logger;
}

/** The methods the Kubernetes API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One API request; the client adds the endpoint, auth and headers. */
export interface RestRequest {
  method: HttpMethod;
  /** Absolute path, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  /** Query parameters; undefined values are left out. */
  query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Request body: a Buffer or string is sent as is, anything else as JSON. */
  body?: unknown;
  /** @default 'application/json' when there is a body */
  contentType?: string;
  /** @default 'application/json' */
  accept?: string;
  /** Aborts the request (and, for streams, the stream). */
  signal?: AbortSignal;
  /** Overrides `requestTimeoutMs` for this request (not used for streams). */
  timeoutMs?: number;
}

/** A complete 2xx response. */
export interface RestResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The endpoint that answered. */
  endpoint: string;
}

/** An open streaming response. Iterate `body`; `close()` ends it early. */
export interface RestStream {
  statusCode: number;
  headers: IncomingHttpHeaders;
  endpoint: string;
  body: AsyncIterable<Buffer>;
  close(): void;
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

/** A failure below HTTP. `sent` is false when the request certainly never reached the server. */
class TransportError extends Error {
  override name = 'TransportError';
  readonly code: string | undefined;
  readonly sent: boolean;
  /** The request went out on a pooled socket the server had already closed. */
  readonly staleSocket: boolean;

  constructor(message: string, opts: { code: string | undefined; sent: boolean; staleSocket?: boolean; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.code = opts.code;
    this.sent = opts.sent;
    this.staleSocket = opts.staleSocket ?? false;
  }
}

interface OpenStream {
  readonly endpoint: string;
  destroy(err: Error): void;
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function buildQuery(query: RestRequest['query']): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

function encodeBody(body: unknown): Buffer | undefined {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

/** One HTTP exchange whose response headers have arrived. */
interface Exchange {
  res: IncomingMessage;
  /** Releases the exchange's abort and timeout hooks; call once the body is consumed. */
  finish: () => void;
  /** Tears the exchange down; the response stream then fails with `err`. */
  destroy: (err: Error) => void;
}

/** Reads the whole body, then finishes the exchange; a failure mid-body is a TransportError. */
async function readBody(exchange: Exchange, endpoint: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of exchange.res) chunks.push(chunk as Buffer);
  } catch (err) {
    if (err instanceof TransportError) throw err;
    throw new TransportError(`Cannot read the response from ${endpoint}: ${(err as Error).message}`, {
      code: errnoCode(err),
      sent: true,
      cause: err,
    });
  } finally {
    exchange.finish();
  }
  return Buffer.concat(chunks);
}

function validateEndpoints(urls: readonly string[]): string[] {
  if (urls.length === 0) throw new Error('Cannot configure the client: the endpoint list is empty');
  return urls.map((u) => {
    const url = new URL(u);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error(`Cannot use endpoint "${u}": the scheme must be https or http`);
    }
    return u.replace(/\/+$/, '');
  });
}

/** The apiserver connection of one component: keep-alive HTTPS with endpoint failover (see the file comment). */
export class RestClient {
  #endpoints: string[];
  /** The endpoint requests go to first; always a member of #endpoints. */
  #current: string;
  /** For non-streaming requests (bounded by maxRequestConnections), and for streams. */
  readonly #httpsAgents: { readonly buffer: https.Agent; readonly stream: https.Agent };
  readonly #httpAgent: HttpAgent;
  readonly #token: string | undefined;
  readonly #userAgent: string;
  readonly #requestTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #logger: Logger;
  /** Streams currently open, so an endpoint that goes away can be evicted. */
  readonly #streams = new Set<OpenStream>();

  constructor(options: RestClientOptions) {
    this.#endpoints = validateEndpoints(options.endpoints);
    this.#current = this.#endpoints[0] as string;
    const tls = { keepAlive: true, ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: options.insecureSkipTlsVerify !== true };
    this.#httpsAgents = {
      buffer: new https.Agent({ ...tls, ...(options.maxRequestConnections === undefined ? {} : { maxSockets: options.maxRequestConnections }) }),
      stream: new https.Agent(tls),
    };
    this.#httpAgent = new http.Agent({ keepAlive: true });
    this.#token = options.token;
    this.#userAgent = options.userAgent ?? 'k8ts';
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.#logger = options.logger ?? silentLogger;
  }

  /** The endpoint list, in failover order. */
  get endpoints(): readonly string[] {
    return this.#endpoints;
  }

  /** The endpoint the next request goes to. */
  get currentEndpoint(): string {
    return this.#current;
  }

  /**
   * Replaces the endpoint list (e.g. from the `kubernetes` Service endpoints). The current
   * endpoint stays current when it is still listed; streams to endpoints no longer listed are
   * destroyed so their consumers reconnect elsewhere.
   */
  setEndpoints(urls: readonly string[]): void {
    const next = validateEndpoints(urls);
    const removed = this.#endpoints.filter((e) => !next.includes(e));
    this.#endpoints = next;
    if (!next.includes(this.#current)) this.#current = next[0] as string;
    for (const endpoint of removed) this.#evictStreams(endpoint, 'the endpoint was removed from the list');
  }

  /**
   * Sends a request and reads the whole response.
   * @throws ApiError when the server answers with a non-2xx status
   * @throws ConnectionError when no endpoint could be reached
   */
  async request(req: RestRequest): Promise<RestResponse> {
    const { res, endpoint, body } = await this.#dispatch(req, 'buffer');
    return { statusCode: res.statusCode ?? 0, headers: res.headers, body: body ?? Buffer.alloc(0), endpoint };
  }

  /** `request` and parse the body as JSON. */
  async requestJson<T>(req: RestRequest): Promise<T> {
    const res = await this.request(req);
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  /**
   * Opens a streaming response (watch). Failover applies until the response headers arrive
   * (bounded by `requestTimeoutMs`); after that, a broken stream ends the iteration with an
   * error and the caller reconnects.
   * @throws ApiError when the server answers with a non-2xx status
   * @throws ConnectionError when no endpoint could be reached
   */
  async stream(req: RestRequest): Promise<RestStream> {
    const { res, endpoint, finish, destroy } = await this.#dispatch(req, 'stream');
    const entry: OpenStream = { endpoint, destroy };
    this.#streams.add(entry);
    const streams = this.#streams;
    const signal = req.signal;
    async function* body(): AsyncGenerator<Buffer> {
      try {
        for await (const chunk of res) yield chunk as Buffer;
      } catch (err) {
        if (signal?.aborted) throw abortReason(signal);
        throw err;
      } finally {
        streams.delete(entry);
        finish();
      }
    }
    return {
      statusCode: res.statusCode ?? 0,
      headers: res.headers,
      endpoint,
      body: body(),
      close: () => {
        streams.delete(entry);
        finish();
        destroy(new Error('stream closed'));
      },
    };
  }

  /**
   * Checks `/readyz` on the current endpoint; when it is not ready, makes the first ready
   * endpoint current and destroys the streams of the unready one. Returns the current endpoint
   * afterwards (unchanged when none is ready).
   */
  async checkReadiness(timeoutMs = 2_000): Promise<string> {
    const current = this.#current;
    if (await this.#isReady(current, timeoutMs)) return current;
    for (const endpoint of this.#endpoints) {
      if (endpoint === current) continue;
      if (await this.#isReady(endpoint, timeoutMs)) {
        this.#logger.warn('apiserver endpoint not ready; switching', { from: current, to: endpoint });
        this.#current = endpoint;
        this.#evictStreams(current, 'the endpoint is not ready');
        return endpoint;
      }
    }
    return this.#current;
  }

  /** Closes pooled connections and open streams. */
  close(): void {
    for (const s of this.#streams) s.destroy(new Error('client closed'));
    this.#streams.clear();
    this.#httpsAgents.buffer.destroy();
    this.#httpsAgents.stream.destroy();
    this.#httpAgent.destroy();
  }

  async #isReady(endpoint: string, timeoutMs: number): Promise<boolean> {
    try {
      const probe: RestRequest = { method: 'GET', path: '/readyz', accept: '*/*', timeoutMs };
      const exchange = await this.#send(endpoint, probe, 'buffer');
      await readBody(exchange, endpoint);
      return exchange.res.statusCode === 200;
    } catch {
      return false;
    }
  }

  #evictStreams(endpoint: string, why: string): void {
    for (const s of [...this.#streams]) {
      if (s.endpoint !== endpoint) continue;
      this.#streams.delete(s);
      s.destroy(new TransportError(`Stream to ${endpoint} ended: ${why}`, { code: undefined, sent: true }));
    }
  }

  /** Moves the current endpoint past `failed` (unless another request already moved it). */
  #advancePast(failed: string): void {
    if (this.#current !== failed) return;
    const i = this.#endpoints.indexOf(failed);
    this.#current = this.#endpoints[(i + 1) % this.#endpoints.length] as string;
  }

  /**
   * Runs the failover loop and returns the first 2xx response: with its body read in 'buffer'
   * mode (so a failure mid-body is retried like any transport failure), or with only the
   * headers read in 'stream' mode.
   */
  async #dispatch(req: RestRequest, mode: 'buffer' | 'stream'): Promise<Exchange & { endpoint: string; body?: Buffer }> {
    const start = this.#endpoints.indexOf(this.#current);
    const order = [...this.#endpoints.slice(start), ...this.#endpoints.slice(0, start)];
    let lastError: Error | undefined;
    let lastEndpoint = this.#current;
    for (const endpoint of order) {
      lastEndpoint = endpoint;
      let exchange: Exchange;
      let body: Buffer | undefined;
      try {
        exchange = await this.#sendRetryingStale(endpoint, req, mode);
        const ok = (exchange.res.statusCode ?? 0) >= 200 && (exchange.res.statusCode ?? 0) < 300;
        if (mode === 'buffer' || !ok) body = await readBody(exchange, endpoint);
      } catch (err) {
        if (req.signal?.aborted) throw abortReason(req.signal);
        if (!(err instanceof TransportError)) throw err;
        this.#advancePast(endpoint);
        lastError = err;
        this.#logger.warn('apiserver request failed', { endpoint, method: req.method, path: req.path, error: err.message });
        if (err.sent && !IDEMPOTENT.has(req.method)) break;
        continue;
      }
      const status = exchange.res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        if (this.#endpoints.includes(endpoint)) this.#current = endpoint;
        return body === undefined ? { ...exchange, endpoint } : { ...exchange, endpoint, body };
      }
      const apiError = ApiError.fromResponse(status, (body ?? Buffer.alloc(0)).toString('utf8'));
      if (status !== 503 && status !== 429) throw apiError;
      this.#advancePast(endpoint);
      lastError = apiError;
      if (status === 503 && !IDEMPOTENT.has(req.method)) break;
    }
    if (lastError instanceof ApiError) throw lastError;
    throw new ConnectionError(
      `Cannot reach the apiserver for ${req.method} ${req.path}: ${lastError?.message ?? 'no endpoint answered'}`,
      lastEndpoint,
      lastError,
    );
  }

  async #sendRetryingStale(endpoint: string, req: RestRequest, mode: 'buffer' | 'stream'): Promise<Exchange> {
    try {
      return await this.#send(endpoint, req, mode);
    } catch (err) {
      if (err instanceof TransportError && err.staleSocket) return this.#send(endpoint, req, mode);
      throw err;
    }
  }

  /**
   * One HTTP exchange with one endpoint, resolved when the response headers arrive. The
   * request timeout covers the whole exchange in 'buffer' mode and only the wait for the
   * headers in 'stream' mode.
   */
  #send(endpoint: string, req: RestRequest, mode: 'buffer' | 'stream'): Promise<Exchange> {
    const url = new URL(endpoint + req.path + buildQuery(req.query));
    const secure = url.protocol === 'https:';
    const body = encodeBody(req.body);
    const headers: Record<string, string> = {
      accept: req.accept ?? 'application/json',
      'user-agent': this.#userAgent,
    };
    if (body !== undefined) {
      headers['content-type'] = req.contentType ?? 'application/json';
      headers['content-length'] = String(body.length);
    }
    if (secure && this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    const signal = req.signal;
    const timeoutMs = req.timeoutMs ?? this.#requestTimeoutMs;

    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const send = secure ? https.request : http.request;
      const creq = send(url, { method: req.method, headers, agent: secure ? this.#httpsAgents[mode] : this.#httpAgent });
      let connected = false;
      let responded = false;
      let timedOut = false;
      const destroy = (err: Error): void => {
        creq.destroy(err);
      };
      const onAbort = (): void => {
        if (signal !== undefined) destroy(abortReason(signal));
      };
      // Started once the request has a socket: waiting for one of maxRequestConnections is
      // queueing, not an endpoint that cannot be reached.
      let connectTimer: NodeJS.Timeout | undefined;
      const requestTimer = setTimeout(() => {
        timedOut = true;
        destroy(new TransportError(`Request to ${endpoint} timed out after ${timeoutMs} ms`, { code: 'ETIMEDOUT', sent: connected }));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(connectTimer);
        clearTimeout(requestTimer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      creq.on('socket', (socket) => {
        // A kept-alive socket: taken from the idle pool (reusedSocket), or handed over by a
        // finished request to one that was waiting for a connection (still `connecting` only if new).
        if (creq.reusedSocket || !socket.connecting) {
          connected = true;
          return;
        }
        connectTimer = setTimeout(() => {
          if (!connected) destroy(new TransportError(`Cannot connect to ${endpoint}: timed out`, { code: 'ETIMEDOUT', sent: false }));
        }, this.#connectTimeoutMs);
        socket.once(secure ? 'secureConnect' : 'connect', () => {
          connected = true;
          clearTimeout(connectTimer);
        });
      });
      creq.on('response', (res) => {
        responded = true;
        clearTimeout(connectTimer);
        if (mode === 'stream') clearTimeout(requestTimer);
        resolve({ res, finish, destroy });
      });
      creq.on('error', (err) => {
        if (responded) return; // surfaces through the response stream
        finish();
        if (signal?.aborted) {
          reject(abortReason(signal));
          return;
        }
        if (err instanceof TransportError) {
          reject(err);
          return;
        }
        const code = errnoCode(err);
        const stale = creq.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE') && !timedOut;
        reject(
          new TransportError(`Request to ${endpoint} failed: ${err.message}`, {
            code,
            sent: connected && !stale,
            staleSocket: stale,
            cause: err,
          }),
        );
      });
      creq.end(body);
    });
  }
}
