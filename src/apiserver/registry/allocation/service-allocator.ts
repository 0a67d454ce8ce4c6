/**
 * Service cluster IPs and node ports, allocated from two StoragePools so that every apiserver
 * sharing a store hands out each value at most once:
 *
 *   /registry/ranges/serviceips/<ip>          one record per allocated ClusterIP
 *   /registry/ranges/servicenodeports/<port>  one record per allocated node port
 *
 * Semantics follow upstream's service REST allocator: a requested clusterIP is honoured when
 * it is free and inside the range (422 otherwise), an empty one gets a free address (never the
 * range's first, which belongs to the `kubernetes` Service), `None` (headless) and ExternalName
 * get none; NodePort and LoadBalancer services get a node port per port (ports with the same
 * port number share one, as upstream does for TCP+UDP pairs), requested ones honoured when free;
 * LoadBalancer services with externalTrafficPolicy Local get a healthCheckNodePort. Only IPv4
 * single-stack is configured, and requests for anything else are refused as upstream refuses
 * families a cluster lacks.
 */
import { isObject, objects, str, type JsonObject } from '../../../api/meta/shape.ts';
import type { FieldError, KubeObject } from '../../../api/meta/types.ts';
import { formatIpv4, parseIpv4, parseIpv4Cidr, type Ipv4Range } from '../../../util/ipv4-range.ts';
import { parsePortRange, type PortRange } from '../../../util/port-range.ts';
import { internalError, invalid } from '../../errors.ts';
import type { Reservation, ResourceAllocator } from '../strategy.ts';
import { StoragePool, type PoolOwner } from './storage-pool.ts';
import type { Storage } from '../../../storage/storage.ts';

export const SERVICE_IP_PREFIX = '/registry/ranges/serviceips/';
export const NODE_PORT_PREFIX = '/registry/ranges/servicenodeports/';
/** Upstream's default --service-node-port-range. */
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

export interface ServiceAllocatorOptions {
  readonly storage: Storage;
  /** The ClusterIP range (IPv4 CIDR with a prefix of at most /30), e.g. `127.11.1.0/24`. */
  readonly clusterIpRange: string;
  /** e.g. `30000-32767`. */
  readonly nodePortRange: string;
  /** Where failures to give back an allocation go (they are repaired later). */
  readonly log?: (message: string) => void;
  readonly random?: () => number;
}

/** What a service holds: its cluster IP (as a number) and its node ports. */
interface Holdings {
  readonly ips: Set<number>;
  readonly ports: Set<number>;
}

/**
 * What the stored object already has, in or out of the current ranges: an update that keeps a
 * value is not checked against the pools again (the ranges may have changed since it was taken).
 */
interface Kept {
  readonly ip: string;
  readonly ports: ReadonlySet<number>;
}

function keptBy(current: KubeObject | undefined): Kept {
  const spec = specOf(current);
  if (current === undefined) return { ip: '', ports: new Set() };
  const ports = new Set<number>();
  if (hasNodePorts(spec)) for (const port of objects(spec.ports)) if (positive(port.nodePort) !== undefined) ports.add(port.nodePort as number);
  if (needsHealthCheckNodePort(spec) && positive(spec.healthCheckNodePort) !== undefined) ports.add(spec.healthCheckNodePort as number);
  return { ip: needsClusterIP(spec) ? str(spec.clusterIP) : '', ports };
}

const SERVICE_KIND = 'Service';

function specOf(obj: KubeObject | undefined): JsonObject {
  return obj !== undefined && isObject(obj.spec) ? obj.spec : {};
}

function ownerOf(obj: KubeObject): PoolOwner {
  return { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '', uid: obj.metadata.uid ?? '' };
}

function needsClusterIP(spec: JsonObject): boolean {
  return spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
}

/** NodePort services, and LoadBalancer ones unless allocateLoadBalancerNodePorts is false. */
function allocatesNodePorts(spec: JsonObject): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

/** Node ports are honoured on NodePort and LoadBalancer services (requested ones even without allocation). */
function hasNodePorts(spec: JsonObject): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

function needsHealthCheckNodePort(spec: JsonObject): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

export class ServiceAllocator implements ResourceAllocator {
  readonly range: Ipv4Range;
  readonly nodePortRange: PortRange;
  readonly #ips: StoragePool;
  readonly #ports: StoragePool;
  readonly #log: (message: string) => void;

  /** @throws Error for a malformed or unusable range */
  constructor(opts: ServiceAllocatorOptions) {
    this.range = parseIpv4Cidr(opts.clusterIpRange);
    if (this.range.prefixLength > 30) throw new Error(`service cluster IP range ${this.range.cidr} is too small: use a prefix length of at most /30`);
    this.nodePortRange = parsePortRange(opts.nodePortRange);
    const firstUsable = this.range.first + 1;
    this.#ips = new StoragePool({
      storage: opts.storage,
      prefix: SERVICE_IP_PREFIX,
      first: firstUsable,
      last: this.range.last - 1,
      format: formatIpv4,
      reservedForRequests: new Set([firstUsable]),
      ...(opts.random === undefined ? {} : { random: opts.random }),
    });
    this.#ports = new StoragePool({
      storage: opts.storage,
      prefix: NODE_PORT_PREFIX,
      first: this.nodePortRange.first,
      last: this.nodePortRange.last,
      format: String,
      ...(opts.random === undefined ? {} : { random: opts.random }),
    });
    this.#log = opts.log ?? (() => undefined);
  }

  /** The range's first usable address, reserved for the `default/kubernetes` Service. */
  get kubernetesServiceIP(): string {
    return formatIpv4(this.range.first + 1);
  }

  /** The pools, for repair. */
  get pools(): { readonly ips: StoragePool; readonly ports: StoragePool } {
    return { ips: this.#ips, ports: this.#ports };
  }

  /** What `obj` holds in the pools (values outside them are not ours to give back). */
  holdings(obj: KubeObject | undefined): Holdings {
    const spec = specOf(obj);
    const ips = new Set<number>();
    const ports = new Set<number>();
    if (obj === undefined) return { ips, ports };
    if (needsClusterIP(spec)) {
      const ipList: unknown[] = Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0 ? spec.clusterIPs : [spec.clusterIP];
      for (const ip of ipList) {
        const n = parseIpv4(str(ip));
        if (n !== undefined && this.#ips.contains(n)) ips.add(n);
      }
    }
    if (hasNodePorts(spec)) {
      for (const port of objects(spec.ports)) {
        const np = positive(port.nodePort);
        if (np !== undefined && this.#ports.contains(np)) ports.add(np);
      }
    }
    const hc = positive(spec.healthCheckNodePort);
    if (needsHealthCheckNodePort(spec) && hc !== undefined && this.#ports.contains(hc)) ports.add(hc);
    return { ips, ports };
  }

  async reserve(next: KubeObject | undefined, current: KubeObject | undefined, dryRun: boolean): Promise<Reservation> {
    const before = this.holdings(current);
    const owner = ownerOf(next ?? current!);
    const taken = { ips: new Set<number>(), ports: new Set<number>() };
    const giveBack = async (what: Holdings): Promise<void> => {
      if (dryRun) return;
      for (const ip of what.ips) await this.#give(this.#ips, ip, owner);
      for (const port of what.ports) await this.#give(this.#ports, port, owner);
    };
    if (next !== undefined) {
      try {
        const kept = keptBy(current);
        await this.#reserveClusterIP(next, kept, owner, taken, dryRun);
        await this.#reserveNodePorts(next, before, kept, owner, taken, dryRun);
      } catch (err) {
        await giveBack(taken);
        throw err;
      }
    }
    const after = this.holdings(next);
    const released: Holdings = {
      ips: new Set([...before.ips].filter((ip) => !after.ips.has(ip))),
      ports: new Set([...before.ports].filter((p) => !after.ports.has(p))),
    };
    return {
      commit: () => giveBack(released),
      rollback: () => giveBack(taken),
    };
  }

  async #give(pool: StoragePool, member: number, owner: PoolOwner): Promise<void> {
    try {
      await pool.give(member, owner);
    } catch (err) {
      this.#log(`cannot give back ${pool.format(member)} of service ${owner.namespace}/${owner.name} (left for repair): ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #invalid(obj: KubeObject, errors: FieldError[]): Error {
    return invalid('', SERVICE_KIND, obj.metadata.name ?? '', errors);
  }

  /** Checks the IP families (IPv4 single-stack only), then takes the cluster IP. */
  async #reserveClusterIP(obj: KubeObject, kept: Kept, owner: PoolOwner, taken: Holdings, dryRun: boolean): Promise<void> {
    const spec = specOf(obj);
    if (spec.type === 'ExternalName') return;
    if (spec.clusterIP === 'None') {
      if (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) spec.clusterIPs = ['None'];
      return;
    }
    const errors: FieldError[] = [];
    if (spec.ipFamilyPolicy === 'RequireDualStack') {
      errors.push({ type: 'FieldValueInvalid', field: 'spec.ipFamilyPolicy', value: spec.ipFamilyPolicy, detail: 'this cluster is not configured for dual-stack services' });
    }
    const families: unknown[] = Array.isArray(spec.ipFamilies) ? spec.ipFamilies : [];
    families.forEach((family, i) => {
      if (family !== 'IPv4') errors.push({ type: 'FieldValueInvalid', field: `spec.ipFamilies[${i}]`, value: family, detail: 'not configured on this cluster' });
    });
    const requested: unknown[] = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
    if (requested.length > 1) {
      errors.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs[1]', value: requested, detail: 'IPv6 is not configured on this cluster' });
    }
    if (errors.length > 0) throw this.#invalid(obj, errors);
    if (kept.ip !== '' && str(spec.clusterIP) === kept.ip) return;

    const ipText = str(requested[0]) || str(spec.clusterIP);
    let ip: number;
    if (ipText === '') {
      const any = await this.#ips.takeAny(owner, dryRun);
      if (any === undefined) throw internalError('failed to allocate a serviceIP: range is full');
      if (!dryRun) taken.ips.add(any);
      ip = any;
    } else {
      const n = parseIpv4(ipText);
      const fail = (why: string): Error =>
        this.#invalid(obj, [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs', value: requested.length > 0 ? requested : [ipText], detail: `failed to allocate IP ${ipText}: ${why}` }]);
      if (n === undefined || !this.#ips.contains(n)) {
        throw fail(`the provided IP (${ipText}) is not in the valid range. The range of valid IPs is ${this.range.cidr}`);
      }
      ip = n;
      const outcome = await this.#ips.take(n, owner, dryRun);
      if (outcome === 'unavailable') throw fail('provided IP is already allocated');
      if (outcome === 'taken' && !dryRun) taken.ips.add(n);
    }
    spec.clusterIP = formatIpv4(ip);
    spec.clusterIPs = [formatIpv4(ip)];
    spec.ipFamilies = ['IPv4'];
    if (str(spec.ipFamilyPolicy) === '') spec.ipFamilyPolicy = 'SingleStack';
  }

  async #takePort(obj: KubeObject, field: string, port: number, kept: Kept, owner: PoolOwner, taken: Holdings, dryRun: boolean): Promise<void> {
    if (kept.ports.has(port) || taken.ports.has(port)) return;
    const fail = (why: string): Error => this.#invalid(obj, [{ type: 'FieldValueInvalid', field, value: port, detail: why }]);
    if (!this.#ports.contains(port)) {
      throw fail(`provided port is not in the valid range. The range of valid ports is ${this.nodePortRange.first}-${this.nodePortRange.last}`);
    }
    const outcome = await this.#ports.take(port, owner, dryRun);
    if (outcome === 'unavailable') throw fail('provided port is already allocated');
    if (outcome === 'taken' && !dryRun) taken.ports.add(port);
  }

  async #anyPort(owner: PoolOwner, taken: Holdings, dryRun: boolean, what: string): Promise<number> {
    const port = await this.#ports.takeAny(owner, dryRun);
    if (port === undefined) throw internalError(`failed to allocate a ${what}: range is full`);
    if (!dryRun) taken.ports.add(port);
    return port;
  }

  async #reserveNodePorts(obj: KubeObject, before: Holdings, kept: Kept, owner: PoolOwner, taken: Holdings, dryRun: boolean): Promise<void> {
    const spec = specOf(obj);
    if (hasNodePorts(spec)) {
      const ports = objects(spec.ports);
      // Ports with the same number (TCP and UDP of one service) share a node port.
      const byServicePort = new Map<unknown, number>();
      for (const [i, port] of ports.entries()) {
        const requested = positive(port.nodePort);
        if (requested !== undefined) {
          await this.#takePort(obj, `spec.ports[${i}].nodePort`, requested, kept, owner, taken, dryRun);
          if (!byServicePort.has(port.port)) byServicePort.set(port.port, requested);
        }
      }
      if (allocatesNodePorts(spec)) {
        for (const port of ports) {
          if (positive(port.nodePort) !== undefined) continue;
          const shared = byServicePort.get(port.port);
          port.nodePort = shared ?? (await this.#anyPort(owner, taken, dryRun, 'nodePort'));
          byServicePort.set(port.port, port.nodePort);
        }
      }
    }
    const oldHealthCheck = positive(spec.healthCheckNodePort);
    if (!needsHealthCheckNodePort(spec) && oldHealthCheck !== undefined && before.ports.has(oldHealthCheck)) {
      // No longer needed (type or traffic policy changed): given back on commit, so cleared here.
      delete spec.healthCheckNodePort;
    }
    if (needsHealthCheckNodePort(spec)) {
      const requested = positive(spec.healthCheckNodePort);
      if (requested !== undefined) await this.#takePort(obj, 'spec.healthCheckNodePort', requested, kept, owner, taken, dryRun);
      else spec.healthCheckNodePort = await this.#anyPort(owner, taken, dryRun, 'HealthCheck NodePort');
    }
  }
}
