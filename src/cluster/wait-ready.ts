/**
 * Waiting, bounded, for a process to become ready, while watching that it is still alive: a
 * process that dies during startup fails the wait at once instead of running out the clock.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { probeReady, type ProbeCredentials } from './readiness.ts';

export interface WaitReadyOptions {
  readonly url: string;
  readonly credentials: ProbeCredentials;
  readonly timeoutMs: number;
  /** Why the process is gone (e.g. `exited with code 1`), or undefined while it runs. */
  readonly gone: () => Promise<string | undefined>;
  /** Pause between probes. Default 200 ms. */
  readonly intervalMs?: number;
}

/** The outcome: ready, gone (with why), or still not ready at the deadline (with the last probe's answer). */
export type WaitReadyResult = { readonly ready: true } | { readonly ready: false; readonly gone?: string; readonly lastProbe?: string };

export async function waitUntilReady(opts: WaitReadyOptions): Promise<WaitReadyResult> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastProbe: string | undefined;
  for (;;) {
    const gone = await opts.gone();
    if (gone !== undefined) return { ready: false, gone };
    const probe = await probeReady(opts.url, opts.credentials);
    if (probe.ready) return { ready: true };
    lastProbe = probe.detail;
    if (Date.now() >= deadline) return { ready: false, lastProbe };
    await sleep(opts.intervalMs ?? 200);
  }
}
