/** Port ranges written `FIRST-LAST` (e.g. the NodePort range `30000-32767`). */

export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/**
 * Parses `30000-32767` (or a single port).
 * @throws Error naming what is wrong
 */
export function parsePortRange(text: string): PortRange {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  const first = m === null ? NaN : Number(m[1]);
  const last = m === null ? NaN : Number(m[2] ?? m[1]);
  if (!(first >= 1 && last <= 65535 && first <= last)) throw new Error(`invalid port range "${text}": expected FIRST-LAST within 1-65535, e.g. 30000-32767`);
  return { first, last };
}
