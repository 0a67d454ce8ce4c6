/**
 * Whether the server serves a controller's type, from one shared, briefly cached discovery. A
 * controller whose type is not served (yet: a custom resource not installed, a kind newer than
 * the server) is not started until it is; it says so once instead of failing to list it over
 * and over. A group-version whose discovery fails counts as served: better a controller that
 * retries than one that never starts.
 */
import type { ResourceType } from '../api/resource-type.ts';
import type { Clientset, Clock, Logger } from '../client/index.ts';
import { pause } from '../client/index.ts';

function key(t: Pick<ResourceType, 'group' | 'version' | 'resource'>): string {
  return `${t.group}/${t.version}/${t.resource}`;
}

/** Shared discovery for the controllers of one leadership term. */
export class ServedTypes {
  readonly #clientset: Clientset;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #refreshMs: number;
  #snapshot: { at: number; served: Set<string>; failed: Set<string> } | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(clientset: Clientset, clock: Clock, logger: Logger, refreshMs: number) {
    this.#clientset = clientset;
    this.#clock = clock;
    this.#logger = logger;
    this.#refreshMs = refreshMs;
  }

  async #refresh(signal: AbortSignal): Promise<void> {
    if (this.#snapshot !== undefined && this.#clock.now() - this.#snapshot.at < this.#refreshMs) return;
    this.#inFlight ??= (async () => {
      try {
        const { resources, failed } = await this.#clientset.serverResources(signal);
        this.#snapshot = { at: this.#clock.now(), served: new Set(resources.map(key)), failed: new Set(failed.map((f) => f.groupVersion)) };
      } finally {
        this.#inFlight = undefined;
      }
    })();
    await this.#inFlight;
  }

  /** Whether `type` is served (or its group-version could not be read). */
  async has(type: ResourceType, signal: AbortSignal): Promise<boolean> {
    await this.#refresh(signal);
    const s = this.#snapshot!;
    return s.served.has(key(type)) || s.failed.has(type.group === '' ? type.version : `${type.group}/${type.version}`);
  }

  /** Resolves true once `type` is served, false if `signal` aborts first; `who` names the waiter in the log. */
  async waitFor(type: ResourceType, who: string, signal: AbortSignal): Promise<boolean> {
    let logged = false;
    while (!signal.aborted) {
      try {
        if (await this.has(type, signal)) return true;
        if (!logged) this.#logger.info('controller waits: the server does not serve its resource', { controller: who, resource: key(type) });
        logged = true;
      } catch (err) {
        if (signal.aborted) return false;
        this.#logger.warn('discovery failed; retrying', { controller: who, error: err });
      }
      if (!(await pause(this.#clock, this.#refreshMs, signal))) return false;
    }
    return false;
  }
}
