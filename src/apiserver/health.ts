/**
 * /livez, /readyz and /healthz: named checks, `?verbose` listing, `?exclude=<check>`, and
 * per-check paths such as /readyz/storage. The status code is what load balancers act on: 200
 * when every (non-excluded) check passes, 500 otherwise.
 */
import type { ServerResponse } from 'node:http';
import { writeText } from './http/respond.ts';

/** A health check: resolves undefined when healthy, or a reason when not. Never throws. */
export type HealthCheck = () => Promise<string | undefined>;

export interface HealthEndpoints {
  readonly livez: ReadonlyMap<string, HealthCheck>;
  readonly readyz: ReadonlyMap<string, HealthCheck>;
}

/** Serves a health path; returns false when `path` is not one. */
export async function serveHealth(endpoints: HealthEndpoints, path: string, query: URLSearchParams, res: ServerResponse): Promise<boolean> {
  const [, root, single, ...extra] = path.split('/');
  const checks = root === 'livez' ? endpoints.livez : root === 'readyz' || root === 'healthz' ? endpoints.readyz : undefined;
  if (checks === undefined || extra.length > 0) return false;
  if (single !== undefined && single !== '') {
    const check = checks.get(single);
    if (check === undefined) return false;
    const failure = await check();
    writeText(res, failure === undefined ? 200 : 500, failure === undefined ? 'ok' : `internal server error: ${single} check failed`);
    return true;
  }
  const excluded = new Set(query.getAll('exclude'));
  const lines: string[] = [];
  let healthy = true;
  const results = await Promise.all([...checks].map(async ([name, check]) => [name, excluded.has(name) ? 'excluded' : await check()] as const));
  for (const [name, result] of results) {
    if (result === 'excluded') lines.push(`[+]${name} excluded: ok`);
    else if (result === undefined) lines.push(`[+]${name} ok`);
    else {
      healthy = false;
      lines.push(`[-]${name} failed: reason withheld`);
    }
  }
  const verbose = query.has('verbose');
  if (healthy) {
    writeText(res, 200, verbose ? `${lines.join('\n')}\n${root} check passed\n` : 'ok');
  } else {
    writeText(res, 500, `${lines.join('\n')}\n${root} check failed\n`);
  }
  return true;
}

export interface BackgroundCheckOptions {
  /** How often the check runs. */
  readonly intervalMs: number;
  /** A result older than this (the check hangs) is a failure. */
  readonly maxAgeMs: number;
  readonly now?: () => number;
}

/** A check whose result is kept fresh in the background; `stop` ends the refreshing. */
export interface BackgroundCheck {
  readonly check: HealthCheck;
  /** Runs the check once now (the timer's work; tests call it directly). */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Runs `check` every `intervalMs` and answers from its latest result, so a health request
 * answers at once however long the check takes. Why: the store check is a quorum read, which
 * under a heavy write load can take longer than a load balancer's check timeout; answering from
 * a recent result keeps a busy but healthy apiserver in the balancer. A check that has not
 * finished for `maxAgeMs` counts as failed, so a hung store still fails readiness. Before the
 * first result, a request waits for it. The refreshing starts with the first request.
 */
export function backgroundCheck(check: HealthCheck, opts: BackgroundCheckOptions): BackgroundCheck {
  const now = opts.now ?? Date.now;
  let latest: { at: number; result: string | undefined } | undefined;
  let running: Promise<void> | undefined;
  const refresh = (): Promise<void> =>
    (running ??= check()
      .then((result) => {
        latest = { at: now(), result };
      })
      .finally(() => (running = undefined)));
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  return {
    async check() {
      // The refreshing starts with the first request: a server that never gets one probes nothing.
      if (timer === undefined && !stopped) {
        timer = setInterval(() => void refresh(), opts.intervalMs);
        timer.unref();
      }
      if (latest === undefined) await refresh();
      const age = now() - latest!.at;
      if (age > opts.maxAgeMs) return `no result for ${age} ms (the check hangs)`;
      return latest!.result;
    },
    refresh,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
