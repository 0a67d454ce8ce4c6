/**
 * Kubernetes' ordering of API version names, used to pick a group's preferred version and to
 * list versions in discovery: versions shaped like `v<major>[(alpha|beta)<minor>]` come first,
 * GA before beta before alpha, higher numbers first (`v2`, `v1`, `v1beta2`, `v1beta1`,
 * `v1alpha1`); any other names follow in alphabetical order.
 */

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;
const STABILITY = { ga: 3, beta: 2, alpha: 1 } as const;

interface Parsed {
  readonly major: number;
  readonly stability: number;
  readonly minor: number;
}

function parse(version: string): Parsed | undefined {
  const m = KUBE_VERSION.exec(version);
  if (m === null) return undefined;
  const stability = m[2] === undefined ? STABILITY.ga : STABILITY[m[2] as 'alpha' | 'beta'];
  return { major: Number(m[1]), stability, minor: m[3] === undefined ? 0 : Number(m[3]) };
}

/** Negative when `a` has higher priority than `b` (sorts `a` first), positive when lower. */
export function compareVersionPriority(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa !== undefined && pb !== undefined) {
    if (pa.stability !== pb.stability) return pb.stability - pa.stability;
    if (pa.major !== pb.major) return pb.major - pa.major;
    return pb.minor - pa.minor;
  }
  if (pa !== undefined) return -1;
  if (pb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The stability level of a version name: `ga`, `beta`, `alpha`, or undefined for other names. */
export function versionStability(version: string): 'ga' | 'beta' | 'alpha' | undefined {
  const p = parse(version);
  if (p === undefined) return undefined;
  return p.stability === STABILITY.ga ? 'ga' : p.stability === STABILITY.beta ? 'beta' : 'alpha';
}
