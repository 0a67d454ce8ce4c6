/**
 * Picks a backend for each new connection to one service port: round robin over the current
 * backends, or — with `sessionAffinity: ClientIP` — the backend this client IP used last, for as
 * long as it stays a backend and the client came back within the timeout (measured from its last
 * connection, as upstream's userspace proxy does). Backends change under it at any time without
 * touching connections already relayed: a balancer only decides where new ones go.
 */
import type { ServiceBackend } from '../api/discovery/v1/service-backends.ts';

/** `ip:port`, the identity of a backend. */
export function backendKey(b: Pick<ServiceBackend, 'ip' | 'port'>): string {
  return b.ip.includes(':') ? `[${b.ip}]:${b.port}` : `${b.ip}:${b.port}`;
}

interface Affinity {
  readonly backend: string;
  lastUsedMs: number;
}

export interface PickOptions {
  /** Backends not to use (they refused this connection already). */
  readonly exclude?: ReadonlySet<string>;
  /** Only backends this accepts (externalTrafficPolicy Local: this node's). */
  readonly filter?: (b: ServiceBackend) => boolean;
}

/** How often expired affinity entries are swept out, at most. */
const SWEEP_INTERVAL_MS = 60_000;

export class Balancer {
  #backends: readonly ServiceBackend[] = [];
  #next = 0;
  #affinityTimeoutMs: number | undefined;
  readonly #affinity = new Map<string, Affinity>();
  readonly #now: () => number;
  #lastSweepMs: number;

  /** `now`: monotonic milliseconds (injected for tests). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
    this.#lastSweepMs = now();
  }

  get backends(): readonly ServiceBackend[] {
    return this.#backends;
  }

  /** Replaces the backends; affinity to a backend that is gone ends with it. */
  setBackends(backends: readonly ServiceBackend[]): void {
    this.#backends = backends;
    const keys = new Set(backends.map(backendKey));
    for (const [client, entry] of this.#affinity) if (!keys.has(entry.backend)) this.#affinity.delete(client);
  }

  /** ClientIP affinity with this timeout, or none (`undefined`). Turning it off forgets every pin. */
  setAffinity(timeoutMs: number | undefined): void {
    if (timeoutMs === undefined) this.#affinity.clear();
    this.#affinityTimeoutMs = timeoutMs;
  }

  /** The backend for a new connection from `clientIp`, or undefined when none is left. */
  pick(clientIp: string, opts: PickOptions = {}): ServiceBackend | undefined {
    const candidates = this.#backends.filter((b) => !opts.exclude?.has(backendKey(b)) && (opts.filter?.(b) ?? true));
    if (candidates.length === 0) return undefined;
    const now = this.#now();
    const timeout = this.#affinityTimeoutMs;
    if (timeout !== undefined) {
      this.#sweep(now, timeout);
      const pinned = this.#affinity.get(clientIp);
      if (pinned !== undefined && now - pinned.lastUsedMs <= timeout) {
        const backend = candidates.find((b) => backendKey(b) === pinned.backend);
        if (backend !== undefined) {
          pinned.lastUsedMs = now;
          return backend;
        }
      }
    }
    const backend = candidates[this.#next % candidates.length]!;
    this.#next = (this.#next + 1) % Number.MAX_SAFE_INTEGER;
    if (timeout !== undefined) this.#affinity.set(clientIp, { backend: backendKey(backend), lastUsedMs: now });
    return backend;
  }

  /** The number of clients pinned now (for tests and status). */
  get pinnedClients(): number {
    return this.#affinity.size;
  }

  #sweep(now: number, timeout: number): void {
    if (now - this.#lastSweepMs < SWEEP_INTERVAL_MS) return;
    this.#lastSweepMs = now;
    for (const [client, entry] of this.#affinity) if (now - entry.lastUsedMs > timeout) this.#affinity.delete(client);
  }
}
