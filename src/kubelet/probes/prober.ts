/**
 * One probe of one container instance, on its schedule: the first attempt after
 * `initialDelaySeconds`, then one every `periodSeconds`; each attempt may take
 * `timeoutSeconds`. The verdict flips to success after `successThreshold` consecutive
 * successes and to failure after `failureThreshold` consecutive failures, and `onVerdict` is
 * told each time it changes (and once at the first verdict). What a verdict means (ready, kill,
 * started) is the pod worker's business.
 */
import { pause, type Clock } from '../../client/index.ts';
import type { Probe } from '../api-types.ts';

/** The result of one attempt. */
export interface ProbeResult {
  readonly ok: boolean;
  /** Why it failed (for events and logs). */
  readonly message?: string;
}

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProberOptions {
  readonly kind: ProbeKind;
  readonly probe: Probe;
  /** Makes one attempt, giving up after `timeoutMs`. */
  readonly attempt: (timeoutMs: number) => Promise<ProbeResult>;
  readonly clock: Clock;
  readonly onVerdict: (ok: boolean, last: ProbeResult) => void;
}

/** Upstream's probe defaults (the apiserver defaults them too; these cover objects that skipped it). */
export function probeTimings(probe: Probe): { initialDelayMs: number; periodMs: number; timeoutMs: number; successThreshold: number; failureThreshold: number } {
  const positive = (v: number | undefined, d: number): number => (v !== undefined && v > 0 ? v : d);
  return {
    initialDelayMs: Math.max(0, probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: positive(probe.periodSeconds, 10) * 1000,
    timeoutMs: positive(probe.timeoutSeconds, 1) * 1000,
    successThreshold: positive(probe.successThreshold, 1),
    failureThreshold: positive(probe.failureThreshold, 3),
  };
}

/** Runs one probe until stopped; see the file comment. */
export class Prober {
  readonly kind: ProbeKind;
  readonly #opts: ProberOptions;
  readonly #abort = new AbortController();
  #verdict: boolean | undefined;
  #done: Promise<void> | undefined;

  constructor(opts: ProberOptions) {
    this.kind = opts.kind;
    this.#opts = opts;
  }

  /** The current verdict (undefined before the first one). */
  get verdict(): boolean | undefined {
    return this.#verdict;
  }

  start(): void {
    this.#done ??= this.#run().catch(() => undefined);
  }

  /** Stops probing; resolves once no attempt is running. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }

  async #run(): Promise<void> {
    const { clock } = this.#opts;
    const signal = this.#abort.signal;
    const t = probeTimings(this.#opts.probe);
    if (!(await pause(clock, t.initialDelayMs, signal))) return;
    let successes = 0;
    let failures = 0;
    for (;;) {
      let result: ProbeResult;
      try {
        result = await this.#opts.attempt(t.timeoutMs);
      } catch (err) {
        result = { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
      if (signal.aborted) return;
      if (result.ok) {
        successes++;
        failures = 0;
      } else {
        failures++;
        successes = 0;
      }
      const next = result.ok ? (successes >= t.successThreshold ? true : this.#verdict) : failures >= t.failureThreshold ? false : this.#verdict;
      if (next !== undefined && next !== this.#verdict) {
        this.#verdict = next;
        this.#opts.onVerdict(next, result);
      }
      if (!(await pause(clock, t.periodMs, signal))) return;
    }
  }
}
