/**
 * The API server: HTTPS only, serving the Kubernetes REST API from the registry over a Storage.
 *
 * A request's lifecycle (each step's failure is a metav1.Status with the code given):
 *   1. a path with a `.` or `..` segment, also percent-encoded → 400 BadRequest (URL parsing
 *      would resolve it away: request-target.ts)
 *   2. shutting down?            → 429 TooManyRequests, Retry-After: 5, Connection: close
 *      (during the shutdown delay before that, requests are still served, with Connection: close)
 *   3. public path (/version, /livez, /readyz, /healthz) → served without credentials
 *   4. authenticate (client certificate, bearer token) → 401 Unauthorized
 *   5. parse the path into a RequestInfo                → 400 / 404 / 405
 *   6. authorize                                        → 403 Forbidden
 *   7. admission into the in-flight budget (watches and other long-running requests exempt)
 *                                                       → 429 TooManyRequests, Retry-After: 1
 *   8. route: discovery, OpenAPI, or a resource handler (decode → strategy → validation → store)
 *   9. a request still running after 60 s (not long-running) → 504 Timeout
 *
 * Connection upgrades (WebSocket, SPDY) are accepted only for the subresources that take them
 * (pods/exec, attach, portforward, and the pods|services|nodes proxies: proxy/proxy-handler.ts);
 * they go through the same steps as any request, answered on a response bound to their
 * connection, and a handler that proxies the upgrade then takes the connection over. Upgrade
 * requests to anything else are served as plain requests.
 */
import { createServer, type Server } from 'node:https';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { DefaultTolerationSeconds } from '../api/core/v1/pod-default-tolerations.ts';
import type { Storage } from '../storage/storage.ts';
import { createAuthenticator, type UserInfo } from './authn/authenticator.ts';
import { ServiceAccountTokens } from './authn/service-account-token.ts';
import { tokenSubjectExists } from './authn/token-subject.ts';
import { loadTokenFile } from './authn/token-file.ts';
import { requestAttributes, forbiddenError } from './authz/attributes.ts';
import { authorizerFor, type AuthorizationMode } from './authz/authorization-mode.ts';
import type { Authorizer } from './authz/authorizer.ts';
import { escalationAdmission } from './authz/rbac/escalation-admission.ts';
import { cachedRbacPolicy } from './authz/rbac/rbac-policy.ts';
import { ensureKubernetesService, ensureSystemNamespaces, ensureSystemPriorityClasses } from './bootstrap.ts';
import { DEFAULT_COMPACTION_INTERVAL_MS, PeriodicCompactor } from './periodic-compactor.ts';
import { ensureDefaultPolicy } from './rbac-bootstrap/ensure-default-policy.ts';
import { recordRequest, trackInflight } from './request-metrics.ts';
import { collectProcessMetrics, processMetrics } from '../util/metrics.ts';
import { CrdController } from './crd/crd-controller.ts';
import { EndpointReconciler } from './endpoint-reconciler.ts';
import { aggregatedContentType, aggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { ApiError, internalError, pathNotFound, timeout, tooManyRequests, unauthorized } from './errors.ts';
import { handleCreateOnly } from './handlers/create-only.ts';
import { handleResource } from './handlers/resource.ts';
import type { KubeletClientConfig } from './kubelet-connection.ts';
import { backgroundCheck, serveHealth, type HealthCheck } from './health.ts';
import { wantsAggregatedDiscovery } from './http/negotiation.ts';
import { parseRequestTarget, refuseDotSegments, requestUrl } from './http/request-target.ts';
import { writeError, writeJson, writeText } from './http/respond.ts';
import { serveOpenApi } from './openapi.ts';
import { isConnectSubresource, isUpgradeRoute, serveConnect, serveConnectUpgrade } from './proxy/proxy-handler.ts';
import { ApiRegistry, type SubresourceInfo } from './registry/api-registry.ts';
import { repairServiceAllocations } from './registry/allocation/allocation-repair.ts';
import { DEFAULT_NODE_PORT_RANGE, ServiceAllocator } from './registry/allocation/service-allocator.ts';
import { builtinStrategies } from './registry/resources/index.ts';
import { impersonatedUser } from './authn/impersonation.ts';
import { serviceAccountLookup } from './registry/service-account-lookup.ts';
import { limitRangeLookup } from './registry/limit-range-lookup.ts';
import { quotaAllocator } from './registry/quota-allocator.ts';
import { priorityClassLookup } from './registry/priority-class-lookup.ts';
import { parseRequestInfo, type RequestInfo } from './request-info.ts';
import { reviewResources } from './reviews/review-resources.ts';
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
  /** The key pair that signs service account tokens; without it TokenRequest is not served. */
  readonly serviceAccountKey?: { readonly privateKeyPem: string; readonly publicKeyPem: string };
  /** `--authorization-mode`: RBAC (default) or AlwaysAllow. */
  readonly authorizationMode?: AuthorizationMode;
  /** An authorizer to use instead of the mode's (tests). */
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
  /**
   * The Service ClusterIP range (IPv4 CIDR, at most /30); the `kubernetes` Service gets its first
   * address. Default `127.11.0.0/24`: a loopback range, so the k8ts kube-proxy can listen on
   * every ClusterIP without privileges.
   */
  readonly serviceClusterIpRange?: string;
  /** The NodePort range, `FIRST-LAST` (default `30000-32767`). */
  readonly serviceNodePortRange?: string;
  /** How often the allocation pools are repaired (allocation-repair.ts; default 3 min, 0 = never). */
  readonly allocationRepairIntervalMs?: number;
  /** How often the store's history is compacted (periodic-compactor.ts; default 5 min, 0 = never). */
  readonly compactionIntervalMs?: number;
  /**
   * The apiserver's client certificate toward kubelets and the CA their serving certificates are
   * checked against, for pods/log, exec, attach, portforward and nodes/proxy; without it those
   * answer 503.
   */
  readonly kubeletClient?: KubeletClientConfig;
  /**
   * Seconds new pods tolerate the not-ready/unreachable NoExecute taints by default
   * (`--default-not-ready-toleration-seconds`, `--default-unreachable-toleration-seconds`).
   * @default 30 each
   */
  readonly defaultTolerationSeconds?: DefaultTolerationSeconds;
  /** Where internal errors go (default: stderr). */
  readonly log?: (message: string) => void;
}

/** The ClusterIP range of an apiserver that was given none. */
export const DEFAULT_SERVICE_CLUSTER_IP_RANGE = '127.11.0.0/24';

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

/** Verbs of the connect subresources in discovery (proxies take every method). */
const CONNECT_VERBS = ['create', 'delete', 'get', 'patch', 'update'];

/** Subresources of core resources served by dedicated handlers, for discovery. */
const CORE_SUBRESOURCES: Readonly<Record<string, readonly SubresourceInfo[]>> = {
  pods: [
    { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'binding', kind: 'Binding', verbs: ['create'] },
    // kubectl drain looks for this entry (group and version included) before it evicts rather than deletes.
    { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'log', kind: 'Pod', verbs: ['get'] },
    { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    { name: 'proxy', kind: 'PodProxyOptions', verbs: CONNECT_VERBS },
  ],
  namespaces: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
  services: [{ name: 'proxy', kind: 'ServiceProxyOptions', verbs: CONNECT_VERBS }],
  nodes: [{ name: 'proxy', kind: 'NodeProxyOptions', verbs: CONNECT_VERBS }],
};

/** serviceaccounts/token (TokenRequest), served when the server has a signing key. */
const TOKEN_SUBRESOURCE = { name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] };

/**
 * The store check of /readyz runs in the background (health.ts): 4 times a second, failing when
 * it has not finished for 2 s (the store's own health budget is 1 s).
 */
const STORAGE_CHECK = { intervalMs: 250, maxAgeMs: 2_000 } as const;

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
  const registry: ApiRegistry = new ApiRegistry(storage, (err) => log(`watch cache: ${String(err)}`), opts.watchCacheSize, {
    quota: (type) => quotaAllocator(registry, type, (m) => log(`quota admission: ${m}`)),
    writerAdmission: (type) => escalationAdmission(type, { authorizer: () => authorizer, policy: rbacPolicy }),
  });
  const rbacPolicy = cachedRbacPolicy(registry);
  const serviceAccountTokens = opts.serviceAccountKey === undefined ? undefined : new ServiceAccountTokens(opts.serviceAccountKey);
  const serviceAllocator = new ServiceAllocator({
    storage,
    clusterIpRange: opts.serviceClusterIpRange ?? DEFAULT_SERVICE_CLUSTER_IP_RANGE,
    nodePortRange: opts.serviceNodePortRange ?? DEFAULT_NODE_PORT_RANGE,
    log: (m) => log(`service allocator: ${m}`),
  });
  const priorityClasses = priorityClassLookup(registry);
  for (const strategy of builtinStrategies({
    serviceAllocator,
    limitRanges: limitRangeLookup(registry),
    serviceAccounts: serviceAccountTokens === undefined ? undefined : serviceAccountLookup(registry),
    priorityClasses,
    ...(opts.defaultTolerationSeconds === undefined ? {} : { defaultTolerationSeconds: opts.defaultTolerationSeconds }),
  })) {
    const core = strategy.type.group === '';
    const extra = [
      ...(core ? (CORE_SUBRESOURCES[strategy.type.resource] ?? []) : []),
      ...(core && strategy.type.resource === 'serviceaccounts' && serviceAccountTokens !== undefined ? [TOKEN_SUBRESOURCE] : []),
    ];
    await registry.add(strategy, extra);
  }
  await ensureSystemNamespaces(registry);
  await ensureSystemPriorityClasses(registry);
  await ensureDefaultPolicy(registry);
  // Serves what the stored CRDs define before the first request, then follows their changes.
  const crdController = new CrdController(registry, { log: (m) => log(`crd controller: ${m}`) });
  await crdController.start();

  const authenticator = createAuthenticator(
    opts.tokenFile !== undefined ? loadTokenFile(opts.tokenFile) : undefined,
    serviceAccountTokens === undefined ? undefined : { tokens: serviceAccountTokens, stillValid: (claims) => tokenSubjectExists(registry, claims) },
  );
  const authorizer = opts.authorizer ?? authorizerFor(opts.authorizationMode ?? 'RBAC', rbacPolicy);
  for (const review of reviewResources(authorizer)) registry.addCreateOnly(review);
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
  collectProcessMetrics();
  const untrackInflight = trackInflight(() => ({ readOnly: readOnlyInFlight, mutating: mutatingInFlight }));
  const storageCheck = backgroundCheck(() => storage.health(), STORAGE_CHECK);
  const readyz = new Map<string, HealthCheck>([
    ['ping', async () => undefined],
    ['storage', storageCheck.check],
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
        const ctx = { req, res, url, user: userOf(req), registry, serviceAccountTokens };
        const served = registry.lookup(info.group, info.version, info.resource);
        if (served !== undefined) {
          const upgrade = upgrades.get(req);
          if (isConnectSubresource(info)) {
            if (upgrade !== undefined) return serveConnectUpgrade(connectDeps, req, res, upgrade.socket, upgrade.head, url, info);
            return serveConnect(connectDeps, req, res, url, info);
          }
          return handleResource({ ...ctx, ...(upgrade === undefined ? {} : { upgrade }), ...(opts.kubeletClient === undefined ? {} : { kubelet: opts.kubeletClient }) }, info, served);
        }
        const createOnly = registry.lookupCreateOnly(info.group, info.version, info.resource);
        if (createOnly !== undefined) return handleCreateOnly(ctx, info, createOnly);
        throw pathNotFound();
      }
    }
  }

  const users = new WeakMap<IncomingMessage, UserInfo>();
  /** What each request asks for, once parsed (for its metrics). */
  const infos = new WeakMap<IncomingMessage, { info: RequestInfo; longRunning: boolean }>();
  /** Connection-upgrade requests: their raw connection (see RequestContext.upgrade). */
  const upgrades = new WeakMap<IncomingMessage, { socket: Duplex; head: Buffer }>();
  const userOf = (req: IncomingMessage) => users.get(req)!;
  const connectDeps = { registry, kubeletClient: opts.kubeletClient };

  /** Steps 4-6 of the lifecycle: authenticate, parse, authorize. */
  async function admit(req: IncomingMessage, url: URL): Promise<RequestInfo> {
    const authenticated = await authenticator.authenticate(req);
    if (authenticated === undefined) throw unauthorized();
    const user = await impersonatedUser(req, authenticated, authorizer);
    users.set(req, user);
    const watchParam = url.searchParams.get('watch');
    const path = url.pathname;
    const info = parseRequestInfo(req.method ?? 'GET', path, watchParam === 'true' || watchParam === '1');
    const attributes = requestAttributes(user, req.method ?? 'GET', path, info, url.searchParams.get('fieldSelector'));
    const decision = await authorizer.authorize(attributes);
    if (decision.decision !== 'allow') throw forbiddenError(attributes, decision.reason);
    return info;
  }

  function shuttingDownError(): ApiError {
    return tooManyRequests('The apiserver is shutting down, please try again later.', 5);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    // Before anything reads the path: URL parsing would resolve `..` segments away.
    refuseDotSegments(target);
    const url = requestUrl(target);
    const path = url.pathname;
    if (draining && !isPublic(path)) {
      res.setHeader('Connection', 'close');
      if (shuttingDown) throw shuttingDownError();
    }
    if (path === '/version') return writeJson(res, 200, versionInfo());
    if (isPublic(path) && (await serveHealth({ livez, readyz }, path, url.searchParams, res))) return;

    const info = await admit(req, url);
    if (info.kind === 'nonresource' && path === '/metrics' && req.method === 'GET') {
      return writeText(res, 200, await processMetrics.metrics(), processMetrics.contentType);
    }
    const longRunning = isLongRunning(info, url.searchParams);
    infos.set(req, { info, longRunning });
    if (longRunning) return route(req, res, url, info);

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

  /** Runs the pipeline for one request; every failure becomes a Status response. */
  function serve(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = performance.now();
    res.once('finish', () => {
      const info = infos.get(req);
      recordRequest(req, info?.info, res.statusCode, (performance.now() - startedAt) / 1000, info?.longRunning ?? false);
    });
    handle(req, res).catch((err: unknown) => {
      // An apiserver whose store is unavailable closes the connection with its 503, so a
      // client behind a load balancer reconnects (to a healthy apiserver) instead of asking
      // this one again on the same keep-alive connection.
      if (err instanceof ApiError && err.code === 503 && !res.headersSent) res.setHeader('Connection', 'close');
      if (err instanceof ApiError) return writeError(res, err);
      log(`internal error on ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      writeError(res, internalError(err instanceof Error ? err.message : String(err)));
    });
  }

  const server: Server = createServer(
    {
      cert: opts.tls.certPem,
      key: opts.tls.keyPem,
      ca: opts.tls.clientCaPem,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      // Only the subresources that take upgrades do; any other request with Upgrade headers is served as a plain one.
      // Runs inside the HTTP parser, where a throw would end the process: a target that does
      // not parse is no upgrade, and the request handler answers it with 400.
      shouldUpgradeCallback: (req: IncomingMessage) => {
        const url = parseRequestTarget(req.url ?? '/');
        return url !== undefined && isUpgradeRoute(url.pathname);
      },
    },
    serve,
  );
  // Upgrade requests (exec, attach, port-forward) go through the same pipeline, answered on a
  // response object bound to their connection; a handler that proxies the upgrade takes the
  // connection over, any other answer is written there and the connection closed.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const res = new ServerResponse(req);
    res.assignSocket(socket as Socket);
    res.shouldKeepAlive = false;
    res.on('finish', () => socket.end());
    upgrades.set(req, { socket, head });
    serve(req, res);
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A connection's client certificate is its identity for its whole life (authn caches it).
  server.on('secureConnection', (socket: TLSSocket) => socket.disableRenegotiation());
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
  const repairEvery = opts.allocationRepairIntervalMs ?? 180_000;
  let repairing = false;
  const repairTimer =
    repairEvery > 0
      ? setInterval(() => {
          if (repairing || shuttingDown) return;
          repairing = true;
          const services = registry.lookup('', 'v1', 'services')!.store;
          repairServiceAllocations({ allocator: serviceAllocator, services, log: (m) => log(`allocation repair: ${m}`) })
            .catch((err: unknown) => log(`allocation repair failed: ${err instanceof Error ? err.message : String(err)}`))
            .finally(() => (repairing = false));
        }, repairEvery)
      : undefined;
  repairTimer?.unref();
  const compactionEvery = opts.compactionIntervalMs ?? DEFAULT_COMPACTION_INTERVAL_MS;
  const stopCompactor = compactionEvery > 0 ? new PeriodicCompactor(opts.storage, (m) => log(m)).start(compactionEvery) : () => undefined;

  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  serverAddress = `${opts.bindAddress}:${port}`;
  const host = opts.bindAddress.includes(':') ? `[${opts.bindAddress}]` : opts.bindAddress;

  let reconciler: EndpointReconciler | undefined;
  try {
    await ensureKubernetesService(registry, { targetPort: port, serviceClusterIpRange: opts.serviceClusterIpRange ?? DEFAULT_SERVICE_CLUSTER_IP_RANGE });
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
    clearInterval(repairTimer);
    stopCompactor();
    storageCheck.stop();
    untrackInflight();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await crdController.stop();
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
    clearInterval(repairTimer);
    stopCompactor();
    storageCheck.stop();
    untrackInflight();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await crdController.stop();
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
