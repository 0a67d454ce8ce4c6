/**
 * The API server: HTTPS only, serving the Kubernetes REST API from the registry over a Storage.
 *
 * A request's lifecycle (each step's failure is a metav1.Status with the code given):
 *   1. shutting down?            → 429 TooManyRequests, Retry-After: 5, Connection: close
 *      (during the shutdown delay before that, requests are still served, with Connection: close)
 *   2. public path (/version, /livez, /readyz, /healthz) → served without credentials
 *   3. authenticate (client certificate, bearer token) → 401 Unauthorized
 *   4. parse the path into a RequestInfo                → 400 / 404
 *   5. authorize                                        → 403 Forbidden
 *   6. admission into the in-flight budget (watches and other long-running requests exempt)
 *                                                       → 429 TooManyRequests, Retry-After: 1
 *   7. route: discovery, OpenAPI, or a resource handler (decode → strategy → validation → store)
 *   8. a request still running after 60 s (not long-running) → 504 Timeout
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Storage } from '../storage/storage.ts';
import { createAuthenticator } from './authn/authenticator.ts';
import { loadTokenFile } from './authn/token-file.ts';
import { allowAllAuthorizer, type Authorizer } from './authz/authorizer.ts';
import { ensureKubernetesService, ensureSystemNamespaces } from './bootstrap.ts';
import { EndpointReconciler } from './endpoint-reconciler.ts';
import { aggregatedContentType, aggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { ApiError, forbidden, internalError, pathNotFound, timeout, tooManyRequests, unauthorized } from './errors.ts';
import { handleResource } from './handlers/resource.ts';
import { serveHealth, type HealthCheck } from './health.ts';
import { wantsAggregatedDiscovery } from './http/negotiation.ts';
import { writeError, writeJson } from './http/respond.ts';
import { serveOpenApi } from './openapi.ts';
import { ApiRegistry } from './registry/api-registry.ts';
import { builtinStrategies } from './registry/resources/index.ts';
import { parseRequestInfo, type RequestInfo } from './request-info.ts';
import { versionInfo } from './version.ts';

export interface ApiServerOptions {
  readonly storage: Storage;
  /** Address to listen on, e.g. '127.10.1.1'. */
  readonly bindAddress: string;
  /** Port to listen on (0 picks a free one; `url` tells which). */
  readonly port: number;
  /** Serving certificate and key, and the CA whose client certificates are trusted (PEM). */
  readonly tls: { readonly certPem: string; readonly keyPem: string; readonly clientCaPem: string };
  /** Static token file: CSV lines `token,user,uid,"group1,group2"`. */
  readonly tokenFile?: string;
  readonly authorizer?: Authorizer;
  /** Budget of concurrent non-long-running requests: read-only and mutating (upstream: 400 and 200). */
  readonly maxReadOnlyInFlight?: number;
  readonly maxMutatingInFlight?: number;
  /** How long a non-long-running request may take before 504 (default 60 s). */
  readonly requestTimeoutMs?: number;
  /**
   * On close, how long to keep serving (with `Connection: close`) while failing readiness, so
   * load balancers take this apiserver out before it stops answering (default 0).
   */
  readonly shutdownDelayMs?: number;
  /**
   * The Service ClusterIP range; the `kubernetes` Service gets its first address. Omitted: the
   * Service is created without one.
   */
  readonly serviceClusterIpRange?: string;
  /**
   * This apiserver's identity in the cluster: it holds a Lease and is listed in the `kubernetes`
   * Endpoints at `advertiseAddress` (see endpoint-reconciler.ts). Omitted: neither.
   */
  readonly identity?: {
    readonly advertiseAddress: string;
    /** @default 5 */
    readonly leaseDurationSeconds?: number;
    /** @default 1000 */
    readonly renewIntervalMs?: number;
  };
  /** Events each resource's watch cache keeps, so watches can resume from them (default 10,000). */
  readonly watchCacheSize?: number;
  /** Where internal errors go (default: stderr). */
  readonly log?: (message: string) => void;
}

export interface RunningApiServer {
  /** `https://<address>:<port>`. */
  readonly url: string;
  readonly registry: ApiRegistry;
  /**
   * Graceful stop: fails readiness, deletes its lease and leaves the `kubernetes` endpoints, keeps
   * serving for the shutdown delay, then answers new requests 429, waits (bounded) for in-flight
   * requests, ends watches, closes the listener. Does not close the storage. Safe to call twice.
   */
  close(): Promise<void>;
}

const PUBLIC_PATHS = new Set(['/version', '/livez', '/readyz', '/healthz']);
/** Drain window during shutdown: in-flight requests (watches excepted) get this long to finish. */
const SHUTDOWN_DRAIN_MS = 3000;

function isPublic(path: string): boolean {
  if (PUBLIC_PATHS.has(path)) return true;
  return /^\/(livez|readyz|healthz)\/[^/]+$/.test(path);
}

/** Watches, log follows, exec/attach/port-forward and proxies run long and are not budgeted. */
function isLongRunning(info: RequestInfo, query: URLSearchParams): boolean {
  if (info.kind !== 'resource') return false;
  if (info.verb === 'watch') return true;
  if (info.subresource === 'log') return query.get('follow') === 'true';
  return ['exec', 'attach', 'portforward', 'proxy'].includes(info.subresource) || info.subresource.startsWith('proxy/');
}

export async function startApiServer(opts: ApiServerOptions): Promise<RunningApiServer> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${new Date().toISOString()} apiserver: ${m}\n`));
  const storage = opts.storage;
  const registry = new ApiRegistry(storage, (err) => log(`watch cache: ${String(err)}`), opts.watchCacheSize);
  for (const strategy of builtinStrategies()) {
    const extra =
      strategy.type.group === '' && strategy.type.resource === 'pods'
        ? [{ name: 'binding', kind: 'Binding', verbs: ['create'] }]
        : strategy.type.group === '' && strategy.type.resource === 'namespaces'
          ? [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }]
          : [];
    await registry.add(strategy, extra);
  }
  await ensureSystemNamespaces(registry);

  const authenticator = createAuthenticator(opts.tokenFile !== undefined ? loadTokenFile(opts.tokenFile) : undefined);
  const authorizer = opts.authorizer ?? allowAllAuthorizer;
  const maxReadOnly = opts.maxReadOnlyInFlight ?? 400;
  const maxMutating = opts.maxMutatingInFlight ?? 200;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
  let readOnlyInFlight = 0;
  let mutatingInFlight = 0;
  /** Closing: readiness fails, responses close their connections. */
  let draining = false;
  /** Past the shutdown delay: every non-health request gets 429. */
  let shuttingDown = false;

  const livez = new Map<string, HealthCheck>([['ping', async () => undefined]]);
  const readyz = new Map<string, HealthCheck>([
    ['ping', async () => undefined],
    ['storage', () => storage.health()],
    ['shutdown', async () => (draining ? 'shutting down' : undefined)],
  ]);

  let serverAddress = `${opts.bindAddress}:${opts.port}`;

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, info: RequestInfo): Promise<void> {
    switch (info.kind) {
      case 'nonresource':
        if (await serveOpenApi(registry, req, res, url)) return;
        throw pathNotFound();
      case 'discovery': {
        if (info.target === 'api' || info.target === 'apis') {
          const aggregated = wantsAggregatedDiscovery(req);
          if (aggregated !== undefined) {
            return writeJson(res, 200, aggregatedDiscovery(registry, info.target, aggregated), aggregatedContentType(aggregated));
          }
          return writeJson(res, 200, info.target === 'api' ? apiVersions(registry, serverAddress) : apiGroupList(registry));
        }
        const doc = info.target === 'group' ? apiGroupDocument(registry, info.group) : apiResourceList(registry, info.group, info.version);
        if (doc === undefined) throw pathNotFound();
        return writeJson(res, 200, doc);
      }
      case 'resource': {
        const served = registry.lookup(info.group, info.version, info.resource);
        if (served === undefined) throw pathNotFound();
        return handleResource({ req, res, url, user: userOf(req), registry }, info, served);
      }
    }
  }

  const users = new WeakMap<IncomingMessage, ReturnType<typeof authenticator.authenticate>>();
  const userOf = (req: IncomingMessage) => users.get(req)!;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://k8ts.invalid');
    const path = url.pathname;
    if (draining && !isPublic(path)) {
      res.setHeader('Connection', 'close');
      if (shuttingDown) throw tooManyRequests('The apiserver is shutting down, please try again later.', 5);
    }
    if (path === '/version') return writeJson(res, 200, versionInfo());
    if (isPublic(path) && (await serveHealth({ livez, readyz }, path, url.searchParams, res))) return;

    const user = authenticator.authenticate(req);
    if (user === undefined) throw unauthorized();
    users.set(req, user);
    const watchParam = url.searchParams.get('watch');
    const info = parseRequestInfo(req.method ?? 'GET', path, watchParam === 'true' || watchParam === '1');
    const decision = await authorizer.authorize(user, info);
    if (!decision.allowed) {
      throw forbidden(`${info.kind === 'resource' ? info.resource : path} is forbidden: User "${user.name}" cannot ${info.kind === 'resource' ? info.verb : 'get'} this: ${decision.reason ?? 'access denied'}`);
    }
    if (isLongRunning(info, url.searchParams)) return route(req, res, url, info);

    const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? 'GET');
    if (mutating ? mutatingInFlight >= maxMutating : readOnlyInFlight >= maxReadOnly) {
      throw tooManyRequests('Too many requests, please try again later.', 1);
    }
    if (mutating) mutatingInFlight++;
    else readOnlyInFlight++;
    const timer = setTimeout(() => {
      if (!res.headersSent) writeError(res, timeout('Timeout: request did not complete within requested timeout - context deadline exceeded', 1));
    }, requestTimeoutMs);
    try {
      await route(req, res, url, info);
    } finally {
      clearTimeout(timer);
      if (mutating) mutatingInFlight--;
      else readOnlyInFlight--;
    }
  }

  const server: Server = createServer(
    {
      cert: opts.tls.certPem,
      key: opts.tls.keyPem,
      ca: opts.tls.clientCaPem,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        // An apiserver whose store is unavailable closes the connection with its 503, so a
        // client behind a load balancer reconnects (to a healthy apiserver) instead of asking
        // this one again on the same keep-alive connection.
        if (err instanceof ApiError && err.code === 503 && !res.headersSent) res.setHeader('Connection', 'close');
        if (err instanceof ApiError) return writeError(res, err);
        log(`internal error on ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        writeError(res, internalError(err instanceof Error ? err.message : String(err)));
      });
    },
  );
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that sends garbage instead of TLS or HTTP gets its connection closed, never a crash.
  server.on('tlsClientError', () => {});
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  serverAddress = `${opts.bindAddress}:${port}`;
  const host = opts.bindAddress.includes(':') ? `[${opts.bindAddress}]` : opts.bindAddress;

  let reconciler: EndpointReconciler | undefined;
  try {
    await ensureKubernetesService(registry, { targetPort: port, ...(opts.serviceClusterIpRange === undefined ? {} : { serviceClusterIpRange: opts.serviceClusterIpRange }) });
    if (opts.identity !== undefined) {
      reconciler = new EndpointReconciler({
        registry,
        advertiseAddress: opts.identity.advertiseAddress,
        port,
        ...(opts.identity.leaseDurationSeconds === undefined ? {} : { leaseDurationSeconds: opts.identity.leaseDurationSeconds }),
        ...(opts.identity.renewIntervalMs === undefined ? {} : { renewIntervalMs: opts.identity.renewIntervalMs }),
        log,
      });
      await reconciler.start();
    }
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await registry.stop();
    throw err;
  }

  /**
   * Fails readiness, leaves the endpoints and keeps serving for the shutdown delay; then, still
   * listening, answers every new request 429 (Retry-After: 5, Connection: close: go elsewhere)
   * while the requests in flight finish (bounded, watches excepted); then stops listening, ends
   * the watches and closes every connection.
   */
  async function shutDown(): Promise<void> {
    draining = true;
    await reconciler?.stop();
    if ((opts.shutdownDelayMs ?? 0) > 0) await new Promise((r) => setTimeout(r, opts.shutdownDelayMs));
    shuttingDown = true;
    const drainUntil = Date.now() + SHUTDOWN_DRAIN_MS;
    while (readOnlyInFlight + mutatingInFlight > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await registry.stop();
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  let closing: Promise<void> | undefined;
  return {
    url: `https://${host}:${port}`,
    registry,
    close: () => (closing ??= shutDown()),
  };
}
