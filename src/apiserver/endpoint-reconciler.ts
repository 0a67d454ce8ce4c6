/**
 * The apiserver's lease endpoint reconciler: every live apiserver holds a Lease and is listed in
 * the `kubernetes` Endpoints and EndpointSlice in `default`, so components that follow those
 * (src/client/endpoints-refresher.ts) always know where the live apiservers are.
 *
 * - Each apiserver renews its own Lease `kube-system/apiserver-<id>` (label
 *   `apiserver.kubernetes.io/identity=kube-apiserver`, as upstream's identity leases) every
 *   `renewIntervalMs`; annotations carry the address and port it is reached at.
 * - Each apiserver, after every renewal, rewrites the endpoints from the leases that have not
 *   expired (renewTime + leaseDurationSeconds in the future), sorted, so every apiserver computes
 *   the same list and the writes converge. A dead apiserver stops renewing and leaves the list
 *   within leaseDuration + renewInterval; one whose store lost quorum cannot renew either, so it
 *   leaves too.
 * - A stopping apiserver deletes its lease and rewrites the endpoints without itself at once
 *   (`stop`), before it drains.
 * - Leases expired for longer than `garbageAfterMs` (apiservers that went away for good, or the
 *   leases of another cluster restored from a snapshot) are deleted.
 *
 * Upstream keeps the endpoint leases as TTL keys in etcd (`/masterleases/<ip>`); k8ts uses Lease
 * objects, which work on every storage backend and show up in `kubectl get leases`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { KubeObject } from '../api/meta/types.ts';
import { KUBERNETES_SERVICE_NAME } from './bootstrap.ts';
import type { ApiRegistry } from './registry/api-registry.ts';
import type { GenericStore } from './registry/generic-store.ts';
import { createOrUpdate, deleteIfExists, listOptions } from './system-objects.ts';

export const IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';
export const IDENTITY_LABEL_VALUE = 'kube-apiserver';
export const ADVERTISE_ADDRESS_ANNOTATION = 'k8ts.io/advertise-address';
export const ADVERTISE_PORT_ANNOTATION = 'k8ts.io/advertise-port';
const LEASE_NAMESPACE = 'kube-system';
const SLICE_SERVICE_LABEL = 'kubernetes.io/service-name';

export interface EndpointReconcilerOptions {
  readonly registry: ApiRegistry;
  /** Where other components reach this apiserver. */
  readonly advertiseAddress: string;
  readonly port: number;
  /** How long a lease lives without renewal. Whole seconds (Lease API). @default 5 */
  readonly leaseDurationSeconds?: number;
  /** Interval between renewals (and endpoint reconciliations). @default 1000 */
  readonly renewIntervalMs?: number;
  /** An expired lease older than this is deleted. @default 60000 */
  readonly garbageAfterMs?: number;
  readonly log: (message: string) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

/** One apiserver as the leases show it. */
export interface LiveApiServer {
  readonly address: string;
  readonly port: number;
}

/** The lease name of the apiserver reached at `address`:`port` (stable across restarts). */
export function apiServerLeaseName(address: string, port: number): string {
  return `apiserver-${createHash('sha256').update(`${address}:${port}`).digest('hex').slice(0, 16)}`;
}

/** When the lease stops counting (ms since the epoch), or undefined when it names no valid time. */
function expiryOf(lease: KubeObject): number | undefined {
  const spec = (lease.spec ?? {}) as { renewTime?: unknown; leaseDurationSeconds?: unknown };
  const renewed = typeof spec.renewTime === 'string' ? Date.parse(spec.renewTime) : NaN;
  const duration = typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds : NaN;
  return Number.isFinite(renewed) && Number.isFinite(duration) ? renewed + duration * 1000 : undefined;
}

function advertisedBy(lease: KubeObject): LiveApiServer | undefined {
  const annotations = lease.metadata.annotations ?? {};
  const address = annotations[ADVERTISE_ADDRESS_ANNOTATION];
  const port = Number(annotations[ADVERTISE_PORT_ANNOTATION]);
  if (address === undefined || address === '' || !Number.isInteger(port) || port <= 0) return undefined;
  return { address, port };
}

/** The apiservers whose leases are live at `now`, sorted by address then port. */
export function liveApiServers(leases: readonly KubeObject[], now: number): LiveApiServer[] {
  const live = new Map<string, LiveApiServer>();
  for (const lease of leases) {
    const expiry = expiryOf(lease);
    const server = advertisedBy(lease);
    if (expiry === undefined || server === undefined || expiry <= now) continue;
    live.set(`${server.address}:${server.port}`, server);
  }
  return [...live.values()].sort((a, b) => compareAddresses(a.address, b.address) || a.port - b.port);
}

/** Orders IPv4 addresses numerically (127.10.1.2 before 127.10.1.10); others as strings. */
function compareAddresses(a: string, b: string): number {
  const key = (ip: string): string => (/^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip.split('.').map((o) => o.padStart(3, '0')).join('.') : ip);
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** The live apiservers grouped by port, ports ascending (one Endpoints subset, one slice each). */
function byPort(servers: readonly LiveApiServer[]): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const s of [...servers].sort((a, b) => a.port - b.port)) groups.set(s.port, [...(groups.get(s.port) ?? []), s.address]);
  return groups;
}

/** The `subsets` of the `kubernetes` Endpoints for `servers`. */
export function endpointSubsets(servers: readonly LiveApiServer[]): unknown[] {
  return [...byPort(servers)].map(([port, addresses]) => ({
    addresses: addresses.map((ip) => ({ ip })),
    ports: [{ name: 'https', port, protocol: 'TCP' }],
  }));
}

function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Keeps this apiserver's lease and the `kubernetes` endpoints (see the file comment). */
export class EndpointReconciler {
  readonly #opts: EndpointReconcilerOptions;
  readonly #leaseName: string;
  readonly #holder: string;
  readonly #leaseDurationS: number;
  readonly #intervalMs: number;
  readonly #garbageAfterMs: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  /** The last failure logged, so a store that stays down is reported once, not every second. */
  #lastFailure = '';

  constructor(opts: EndpointReconcilerOptions) {
    this.#opts = opts;
    this.#leaseName = apiServerLeaseName(opts.advertiseAddress, opts.port);
    this.#holder = `${this.#leaseName}_${randomUUID()}`;
    this.#leaseDurationS = opts.leaseDurationSeconds ?? 5;
    this.#intervalMs = opts.renewIntervalMs ?? 1000;
    this.#garbageAfterMs = opts.garbageAfterMs ?? 60_000;
    this.#now = opts.now ?? Date.now;
    if (!Number.isInteger(this.#leaseDurationS) || this.#leaseDurationS < 1) throw new RangeError('the apiserver lease duration must be a whole number of seconds ≥ 1');
    if (this.#intervalMs <= 0 || this.#intervalMs >= this.#leaseDurationS * 1000) throw new RangeError('the apiserver lease renew interval must be positive and shorter than the lease duration');
  }

  /** The name of this apiserver's Lease in kube-system. */
  get leaseName(): string {
    return this.#leaseName;
  }

  /** Renews and reconciles once (waiting for it), then every renew interval. */
  async start(): Promise<void> {
    await this.#tick();
    this.#schedule();
  }

  /**
   * Stops renewing, deletes this apiserver's lease and takes it out of the endpoints. Failures
   * (a store without quorum) are logged: the lease then simply expires.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    try {
      await deleteIfExists(this.#leases(), LEASE_NAMESPACE, this.#leaseName);
      await this.#reconcileEndpoints(this.#leaseName);
    } catch (err) {
      this.#opts.log(`endpoint reconciler: could not remove this apiserver from the kubernetes endpoints on shutdown (its lease expires instead): ${String(err)}`);
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#tick().finally(() => {
        this.#running = undefined;
        this.#schedule();
      });
    }, this.#intervalMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    try {
      await this.#renew();
      await this.#reconcileEndpoints(undefined);
      if (this.#lastFailure !== '') this.#opts.log('endpoint reconciler: renewing and reconciling again');
      this.#lastFailure = '';
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.#lastFailure) this.#opts.log(`endpoint reconciler: ${message}`);
      this.#lastFailure = message;
    }
  }

  #leases(): GenericStore {
    return this.#store('coordination.k8s.io', 'leases');
  }

  #store(group: string, resource: string): GenericStore {
    const served = this.#opts.registry.lookup(group, 'v1', resource);
    if (served === undefined) throw new Error(`${resource} are not registered`);
    return served.store;
  }

  async #renew(): Promise<void> {
    const now = microTime(this.#now());
    await createOrUpdate(this.#leases(), LEASE_NAMESPACE, this.#leaseName, (current) => {
      const previous = current?.spec as { holderIdentity?: string; acquireTime?: string } | undefined;
      return {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          ...(current?.metadata ?? {}),
          name: this.#leaseName,
          namespace: LEASE_NAMESPACE,
          labels: { ...(current?.metadata.labels ?? {}), [IDENTITY_LABEL]: IDENTITY_LABEL_VALUE },
          annotations: {
            ...(current?.metadata.annotations ?? {}),
            [ADVERTISE_ADDRESS_ANNOTATION]: this.#opts.advertiseAddress,
            [ADVERTISE_PORT_ANNOTATION]: String(this.#opts.port),
          },
        },
        spec: {
          holderIdentity: this.#holder,
          leaseDurationSeconds: this.#leaseDurationS,
          acquireTime: previous?.holderIdentity === this.#holder ? (previous.acquireTime ?? now) : now,
          renewTime: now,
        },
      };
    });
  }

  /** Writes the endpoints from the live leases (leaving out the lease `exclude`); collects old leases. */
  async #reconcileEndpoints(exclude: string | undefined): Promise<void> {
    const now = this.#now();
    const leases = (await this.#leases().list(LEASE_NAMESPACE, listOptions(`${IDENTITY_LABEL}=${IDENTITY_LABEL_VALUE}`))).items;
    const servers = liveApiServers(
      leases.filter((l) => l.metadata.name !== exclude),
      now,
    );
    await this.#writeEndpoints(servers);
    await this.#writeSlices(servers);
    for (const lease of leases) {
      const expiry = expiryOf(lease);
      if (lease.metadata.name === this.#leaseName || (expiry !== undefined && expiry + this.#garbageAfterMs > now)) continue;
      await deleteIfExists(this.#leases(), LEASE_NAMESPACE, lease.metadata.name ?? '', lease.metadata.resourceVersion);
    }
  }

  async #writeEndpoints(servers: readonly LiveApiServer[]): Promise<void> {
    const subsets = endpointSubsets(servers);
    await createOrUpdate(this.#store('', 'endpoints'), 'default', KUBERNETES_SERVICE_NAME, (current) => ({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        ...(current?.metadata ?? {}),
        name: KUBERNETES_SERVICE_NAME,
        namespace: 'default',
        // Upstream's mark: no EndpointSlice mirroring for these endpoints (the apiserver writes the slice).
        labels: { ...(current?.metadata.labels ?? {}), 'endpointslice.kubernetes.io/skip-mirror': 'true' },
      },
      subsets,
    }));
  }

  /** One slice per port: `kubernetes` for the first, `kubernetes-<port>` for others; stale ones go. */
  async #writeSlices(servers: readonly LiveApiServer[]): Promise<void> {
    const slices = this.#store('discovery.k8s.io', 'endpointslices');
    const groups = [...byPort(servers)];
    const wanted = new Set<string>();
    for (const [i, [port, addresses]] of groups.entries()) {
      const name = i === 0 ? KUBERNETES_SERVICE_NAME : `${KUBERNETES_SERVICE_NAME}-${port}`;
      wanted.add(name);
      await createOrUpdate(slices, 'default', name, (current) => ({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          ...(current?.metadata ?? {}),
          name,
          namespace: 'default',
          labels: { ...(current?.metadata.labels ?? {}), [SLICE_SERVICE_LABEL]: KUBERNETES_SERVICE_NAME },
        },
        addressType: 'IPv4',
        endpoints: addresses.map((ip) => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false } })),
        ports: [{ name: 'https', port, protocol: 'TCP' }],
      }));
    }
    if (groups.length === 0) {
      // No live apiserver (the last one is stopping): keep the slice, with no endpoints.
      wanted.add(KUBERNETES_SERVICE_NAME);
      await createOrUpdate(slices, 'default', KUBERNETES_SERVICE_NAME, (current) => ({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { ...(current?.metadata ?? {}), name: KUBERNETES_SERVICE_NAME, namespace: 'default', labels: { ...(current?.metadata.labels ?? {}), [SLICE_SERVICE_LABEL]: KUBERNETES_SERVICE_NAME } },
        addressType: 'IPv4',
        endpoints: [],
        ports: current?.ports ?? [],
      }));
    }
    const existing = (await slices.list('default', listOptions(`${SLICE_SERVICE_LABEL}=${KUBERNETES_SERVICE_NAME}`))).items;
    for (const slice of existing) {
      if (!wanted.has(slice.metadata.name ?? '')) await deleteIfExists(slices, 'default', slice.metadata.name ?? '', slice.metadata.resourceVersion);
    }
  }
}
