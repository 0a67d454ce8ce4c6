/**
 * The backends of a load balancer and what is known about each: its health (from active checks,
 * with rise/fall counts so one slow answer does not flap it), and the connections it carries.
 *
 * - Every backend is checked every `intervalMs`. It goes down after `fall` failed checks in a
 *   row and up after `rise` good ones; a new backend goes up on its first good check.
 * - A connection the balancer could not open to a backend marks it down at once (unreachable):
 *   no need to wait for the next check to stop sending clients there.
 * - When a backend goes down unreachable, its connections are closed at once (they are dead or
 *   frozen anyway), so their clients reconnect through the balancer to a live backend. When it
 *   goes down unready (a draining apiserver, or one whose store lost quorum), its connections
 *   get `drainGraceMs` to finish first.
 * - `pick` prefers the up backend with the fewest connections (round robin among equals). With
 *   none up it falls back to one that answers but is unready (its error reaches the client, which
 *   says more than a closed connection), never to an unreachable one.
 */
import type { Socket } from 'node:net';
import { backendAddress, type Backend } from './backends.ts';
import { checkReadyz, type CheckOutcome, type CheckResult } from './readiness-check.ts';

export interface BackendPoolOptions {
  /** The CA the backends' serving certificates must chain to. */
  readonly caPem: string;
  /** @default 250 */
  readonly intervalMs?: number;
  /** @default 500 */
  readonly timeoutMs?: number;
  /** @default 2 */
  readonly rise?: number;
  /** @default 2 */
  readonly fall?: number;
  /** @default 3000 */
  readonly drainGraceMs?: number;
  readonly log?: (message: string) => void;
  /** The check to run (tests substitute their own). @default checkReadyz */
  readonly check?: (backend: Backend, caPem: string, timeoutMs: number) => Promise<CheckResult>;
}

/** A backend as the status shows it. */
export interface BackendStatus {
  readonly name: string;
  readonly address: string;
  readonly up: boolean;
  /** Why it is down (or `ready`). */
  readonly reason: string;
  /** ISO 8601: when it last changed between up and down. */
  readonly since: string;
  readonly connections: number;
  readonly lastCheck?: { readonly outcome: CheckOutcome; readonly detail: string; readonly at: string };
}

interface Entry {
  readonly backend: Backend;
  up: boolean;
  reason: string;
  since: Date;
  /** Good checks in a row while down, failed ones in a row while up. */
  streak: number;
  /** The last check's outcome, for `pick`'s fallback. */
  lastOutcome: CheckOutcome | undefined;
  lastCheck: BackendStatus['lastCheck'];
  readonly sockets: Set<Socket>;
  timer: NodeJS.Timeout | undefined;
  removed: boolean;
}

export class BackendPool {
  readonly #opts: BackendPoolOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #interval: number;
  readonly #timeout: number;
  readonly #rise: number;
  readonly #fall: number;
  readonly #drainGrace: number;
  readonly #log: (message: string) => void;
  #roundRobin = 0;
  #stopped = false;

  constructor(opts: BackendPoolOptions) {
    this.#opts = opts;
    this.#interval = opts.intervalMs ?? 250;
    this.#timeout = opts.timeoutMs ?? 500;
    this.#rise = opts.rise ?? 2;
    this.#fall = opts.fall ?? 2;
    this.#drainGrace = opts.drainGraceMs ?? 3000;
    this.#log = opts.log ?? (() => {});
  }

  /** Replaces the backend list: new ones start being checked, removed ones are closed. */
  setBackends(backends: readonly Backend[]): void {
    const keep = new Set(backends.map((b) => b.name));
    for (const [name, entry] of this.#entries) {
      const next = backends.find((b) => b.name === name);
      if (keep.has(name) && next !== undefined && backendAddress(next) === backendAddress(entry.backend)) continue;
      entry.removed = true;
      clearTimeout(entry.timer);
      for (const s of entry.sockets) s.destroy();
      this.#entries.delete(name);
      this.#log(`backend ${name} (${backendAddress(entry.backend)}) removed`);
    }
    for (const backend of backends) {
      if (this.#entries.has(backend.name)) continue;
      const entry: Entry = {
        backend,
        up: false,
        reason: 'not checked yet',
        since: new Date(),
        streak: this.#rise - 1,
        lastOutcome: undefined,
        lastCheck: undefined,
        sockets: new Set(),
        timer: undefined,
        removed: false,
      };
      this.#entries.set(backend.name, entry);
      this.#log(`backend ${backend.name} (${backendAddress(backend)}) added`);
      void this.#checkLoop(entry);
    }
  }

  /** A backend for a new connection, not one of `exclude` (see the file comment), or undefined. */
  pick(exclude: ReadonlySet<string> = new Set()): Backend | undefined {
    const candidates = [...this.#entries.values()].filter((e) => !exclude.has(e.backend.name));
    let pool = candidates.filter((e) => e.up);
    if (pool.length === 0) pool = candidates.filter((e) => e.lastOutcome === 'unready');
    if (pool.length === 0) return undefined;
    const fewest = Math.min(...pool.map((e) => e.sockets.size));
    const least = pool.filter((e) => e.sockets.size === fewest);
    return least[this.#roundRobin++ % least.length]!.backend;
  }

  /** Counts `socket` (the balancer's connection to `name`) until it closes; closes it if the backend goes. */
  track(name: string, socket: Socket): void {
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      socket.destroy();
      return;
    }
    entry.sockets.add(socket);
    socket.once('close', () => entry.sockets.delete(socket));
  }

  /** A connection to `name` could not be opened: it is down until checks say otherwise. */
  connectFailed(name: string, detail: string): void {
    const entry = this.#entries.get(name);
    if (entry === undefined || !entry.up) return;
    entry.lastOutcome = 'unreachable';
    this.#markDown(entry, `unreachable: ${detail}`, 'unreachable');
  }

  /** Every backend's state. */
  status(): BackendStatus[] {
    return [...this.#entries.values()].map((e) => ({
      name: e.backend.name,
      address: backendAddress(e.backend),
      up: e.up,
      reason: e.reason,
      since: e.since.toISOString(),
      connections: e.sockets.size,
      ...(e.lastCheck === undefined ? {} : { lastCheck: e.lastCheck }),
    }));
  }

  /** Stops checking and closes every backend connection. */
  stop(): void {
    this.#stopped = true;
    for (const entry of this.#entries.values()) {
      clearTimeout(entry.timer);
      for (const s of entry.sockets) s.destroy();
    }
  }

  async #checkLoop(entry: Entry): Promise<void> {
    if (this.#stopped || entry.removed) return;
    const result = await (this.#opts.check ?? checkReadyz)(entry.backend, this.#opts.caPem, this.#timeout);
    if (this.#stopped || entry.removed) return;
    entry.lastOutcome = result.outcome;
    entry.lastCheck = { outcome: result.outcome, detail: result.detail, at: new Date().toISOString() };
    if (result.outcome === 'ready') {
      if (entry.up) entry.streak = 0;
      else if (++entry.streak >= this.#rise) this.#markUp(entry);
    } else if (entry.up) {
      if (++entry.streak >= this.#fall) this.#markDown(entry, `${result.outcome}: ${result.detail}`, result.outcome);
    } else {
      entry.streak = 0;
      entry.reason = `${result.outcome}: ${result.detail}`;
    }
    entry.timer = setTimeout(() => void this.#checkLoop(entry), this.#interval);
  }

  #markUp(entry: Entry): void {
    entry.up = true;
    entry.streak = 0;
    entry.reason = 'ready';
    entry.since = new Date();
    this.#log(`backend ${entry.backend.name} is up`);
  }

  #markDown(entry: Entry, reason: string, outcome: CheckOutcome): void {
    entry.up = false;
    entry.streak = 0;
    entry.reason = reason;
    entry.since = new Date();
    this.#log(`backend ${entry.backend.name} is down (${reason})`);
    const sockets = [...entry.sockets];
    if (outcome === 'unreachable') {
      for (const s of sockets) s.destroy();
      return;
    }
    const timer = setTimeout(() => {
      if (entry.up) return;
      for (const s of sockets) s.destroy();
    }, this.#drainGrace);
    timer.unref();
  }
}
