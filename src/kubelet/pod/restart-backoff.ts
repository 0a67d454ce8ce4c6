/**
 * CrashLoopBackOff: how long a container that exited waits before it is started again, per
 * container. The first restart is immediate; each further one waits twice as long as the one
 * before, from `initialMs` (10 s) up to `maxMs` (5 min), measured from the moment the container
 * exited. A container whose last restart was more than twice `maxMs` before it exited starts
 * over without delay, as upstream's kubelet does.
 */

export interface RestartBackoffOptions {
  /** @default 10000 */
  readonly initialMs?: number;
  /** @default 300000 */
  readonly maxMs?: number;
}

interface Entry {
  /** The delay the next restart waits. */
  delayMs: number;
  /** When the last restart was granted (monotonic ms). */
  grantedAt: number;
}

/** Per-container restart delays; keys are any stable container identity (pod uid + name). */
export class RestartBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #entries = new Map<string, Entry>();

  constructor(opts: RestartBackoffOptions = {}) {
    this.#initialMs = opts.initialMs ?? 10_000;
    this.#maxMs = opts.maxMs ?? 300_000;
  }

  /**
   * When the container `key` that exited at `exitedAt` may start again (monotonic ms);
   * `exitedAt` itself when it may start at once. Changes nothing: call `granted` on restart.
   */
  restartAt(key: string, exitedAt: number): number {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#expired(entry, exitedAt)) return exitedAt;
    return exitedAt + entry.delayMs;
  }

  /**
   * Records that `key`, which exited at `exitedAt`, is restarted at `now`: the next restart waits
   * twice as long (capped), or `initialMs` again after a long run.
   */
  granted(key: string, exitedAt: number, now: number): void {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#expired(entry, exitedAt)) {
      this.#entries.set(key, { delayMs: this.#initialMs, grantedAt: now });
      return;
    }
    entry.delayMs = Math.min(this.#maxMs, entry.delayMs * 2);
    entry.grantedAt = now;
  }

  /** The delay the next restart of `key` waits (for messages). */
  currentDelay(key: string): number {
    return this.#entries.get(key)?.delayMs ?? 0;
  }

  /** Forgets every key starting with `prefix` (all containers of one pod). */
  forgetPrefix(prefix: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  #expired(entry: Entry, exitedAt: number): boolean {
    return exitedAt - entry.grantedAt > 2 * this.#maxMs;
  }
}
