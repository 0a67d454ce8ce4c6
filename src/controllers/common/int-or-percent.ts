/**
 * Int-or-percent fields (`maxSurge: 1`, `maxUnavailable: "25%"`) resolved against a total, with
 * upstream's rounding: surge rounds up, unavailability rounds down.
 */

/** `value` of `total`: an integer as is, `N%` as N percent of total rounded up or down. */
export function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return Math.max(0, Math.trunc(value));
  if (typeof value === 'string') {
    const m = /^(\d+)%$/.exec(value);
    if (m !== null) {
      const exact = (Number(m[1]) * total) / 100;
      return roundUp ? Math.ceil(exact) : Math.floor(exact);
    }
    if (/^\d+$/.test(value)) return Number(value);
  }
  return 0;
}

/**
 * maxSurge and maxUnavailable of a rolling update of `desired` pods. When both resolve to 0
 * (a small percentage rounded down), unavailability becomes 1 so the rollout can move at all.
 */
export function resolveFenceposts(maxSurge: unknown, maxUnavailable: unknown, desired: number): { surge: number; unavailable: number } {
  const surge = resolveIntOrPercent(maxSurge, desired, true);
  let unavailable = resolveIntOrPercent(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}
