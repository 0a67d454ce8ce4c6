/**
 * The proxier: turns the wanted state (ProxiedPort[]) into listening sockets and balancers, and
 * relays the connections they accept.
 *
 * - one Balancer per service port, kept across syncs so round-robin position and ClientIP pins
 *   survive endpoint changes;
 * - one PortListener per `address:port` (ClusterIP, external IP, NodePort); a listener whose
 *   service port disappears is closed, one that is still wanted keeps its socket;
 * - connections already relayed are never touched by a sync: removing an endpoint only stops
 *   new connections from going there.
 */
import type { Socket } from 'node:net';
import type { ServiceBackend } from '../api/discovery/v1/service-backends.ts';
import type { Logger } from '../client/index.ts';
import { Balancer } from './balancer.ts';
import { PortListener, type ListenerState } from './port-listener.ts';
import type { ListenAddress, ProxiedPort } from './service-ports.ts';
import { relayConnection } from './tcp-relay.ts';

export interface ProxierOptions {
  readonly nodeName: string;
  readonly logger: Logger;
  /** Retry period of a listener held by another proxy (default 1 s). */
  readonly standbyRetryMs?: number;
  readonly dialTimeoutMs?: number;
  /** Monotonic milliseconds, for affinity timeouts (default performance.now). */
  readonly now?: () => number;
}

/** One listener as the proxier reports it. */
export interface ListenerStatus {
  /** `address:port`. */
  readonly endpoint: string;
  /** The service port it serves, `namespace/name:portName`. */
  readonly servicePort: string;
  readonly scope: ListenAddress['scope'];
  readonly state: ListenerState;
}

interface ListenerEntry {
  readonly listener: PortListener;
  target: { readonly servicePort: string; readonly scope: ListenAddress['scope']; readonly nodeLocal: boolean };
}

function listenKey(l: Pick<ListenAddress, 'address' | 'port'>): string {
  return l.address.includes(':') ? `[${l.address}]:${l.port}` : `${l.address}:${l.port}`;
}

/** The client's IPv4 address without the `::ffff:` prefix dual-stack sockets add. */
function clientAddress(socket: Socket): string {
  return (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

export class Proxier {
  readonly #opts: ProxierOptions;
  readonly #balancers = new Map<string, Balancer>();
  readonly #listeners = new Map<string, ListenerEntry>();
  readonly #connections = new Set<Socket>();
  #stopped = false;

  constructor(opts: ProxierOptions) {
    this.#opts = opts;
  }

  /** Applies the wanted state: creates, keeps or closes listeners; updates backends and affinity. */
  sync(ports: readonly ProxiedPort[]): void {
    if (this.#stopped) return;
    const wantedBalancers = new Set<string>();
    const wantedListeners = new Map<string, ListenerEntry['target'] & { address: ListenAddress }>();
    for (const port of ports) {
      wantedBalancers.add(port.key);
      let balancer = this.#balancers.get(port.key);
      if (balancer === undefined) {
        balancer = new Balancer(this.#opts.now);
        this.#balancers.set(port.key, balancer);
      }
      balancer.setAffinity(port.affinityTimeoutMs);
      balancer.setBackends(port.backends);
      for (const address of port.listen) {
        const key = listenKey(address);
        const existing = wantedListeners.get(key);
        if (existing !== undefined) {
          this.#opts.logger.warn('two service ports want one address; the first keeps it', { listener: key, kept: existing.servicePort, refused: port.key });
          continue;
        }
        wantedListeners.set(key, { servicePort: port.key, scope: address.scope, nodeLocal: address.nodeLocal, address });
      }
    }
    for (const key of [...this.#balancers.keys()]) if (!wantedBalancers.has(key)) this.#balancers.delete(key);
    for (const [key, entry] of [...this.#listeners]) {
      if (wantedListeners.has(key)) continue;
      entry.listener.close();
      this.#listeners.delete(key);
      this.#opts.logger.info('closed listener', { listener: key, servicePort: entry.target.servicePort });
    }
    for (const [key, wanted] of wantedListeners) {
      const target = { servicePort: wanted.servicePort, scope: wanted.scope, nodeLocal: wanted.nodeLocal };
      const existing = this.#listeners.get(key);
      if (existing !== undefined) {
        existing.target = target;
        continue;
      }
      const entry: ListenerEntry = {
        target,
        listener: new PortListener({
          address: wanted.address.address,
          port: wanted.address.port,
          logger: this.#opts.logger,
          ...(this.#opts.standbyRetryMs === undefined ? {} : { retryMs: this.#opts.standbyRetryMs }),
          onConnection: (socket) => this.#accept(entry, socket),
        }),
      };
      this.#listeners.set(key, entry);
      entry.listener.start();
    }
  }

  #accept(entry: ListenerEntry, socket: Socket): void {
    const servicePort = entry.target.servicePort;
    const balancer = this.#balancers.get(servicePort);
    this.#connections.add(socket);
    const nodeName = this.#opts.nodeName;
    const filter = entry.target.nodeLocal ? (b: ServiceBackend) => b.nodeName === nodeName : undefined;
    const client = clientAddress(socket);
    void relayConnection(
      socket,
      (exclude) => balancer?.pick(client, { exclude, ...(filter === undefined ? {} : { filter }) }),
      {
        ...(this.#opts.dialTimeoutMs === undefined ? {} : { dialTimeoutMs: this.#opts.dialTimeoutMs }),
        onDialFailure: (backend, error) => this.#opts.logger.warn('backend refused a connection; trying another', { servicePort, backend: `${backend.ip}:${backend.port}`, error: error.message }),
      },
      () => this.#connections.delete(socket),
    );
  }

  /** Every listener and its state. */
  listeners(): ListenerStatus[] {
    return [...this.#listeners.entries()].map(([endpoint, e]) => ({ endpoint, servicePort: e.target.servicePort, scope: e.target.scope, state: e.listener.state }));
  }

  /** The balancer of a service port (for tests and status). */
  balancer(servicePort: string): Balancer | undefined {
    return this.#balancers.get(servicePort);
  }

  /** Connections being relayed now. */
  get openConnections(): number {
    return this.#connections.size;
  }

  /** Closes every listener and every relayed connection. */
  stop(): void {
    this.#stopped = true;
    for (const entry of this.#listeners.values()) entry.listener.close();
    this.#listeners.clear();
    for (const socket of this.#connections) socket.destroy();
    this.#connections.clear();
  }
}
