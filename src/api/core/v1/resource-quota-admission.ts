/**
 * Quota admission of a new object against one ResourceQuota, as upstream's ResourceQuota
 * admission plugin decides it: only what the quota's `status.hard` lists (the quota controller
 * copies it from the spec, so a quota constrains once the controller has seen it) of the
 * resources quota accounting tracks — for a pod, its count and cpu and memory (pods the quota's
 * scopes select); for an object of any other kind, its object count (quotas with scopes count
 * only pods).
 *
 * The outcome is the quota's new `status.used` with the object counted in, which the caller
 * writes with compare-and-swap before the object is stored: two objects admitted at once
 * through any apiservers cannot both take the last unit.
 */
import { isObject, objects, str } from '../../meta/shape.ts';
import type { KubeObject } from '../../meta/types.ts';
import { parseQuantity } from '../../meta/quantity.ts';
import { containerAmounts } from './pod-resources.ts';
import { formatQuotaAmount, isTrackedQuotaResource, objectCountTarget, podQuotaAmount, quotaSelectsPod, type GroupResource } from './resource-quota-usage.ts';

/** One object, in nano-units (an object count's unit). */
const ONE = 1_000_000_000n;

/** A quota's reason to refuse an object; the message follows `<resource> "<name>" is forbidden: `. */
export class QuotaRefusal extends Error {
  override name = 'QuotaRefusal';
}

/** What a pod takes of one quota: the amounts (nano-units) and the quota's status.used with them. */
export interface QuotaCharge {
  readonly requested: ReadonlyMap<string, bigint>;
  readonly used: Record<string, string>;
}

/** Quota resources a container must name explicitly when the quota limits them (upstream's compatibility rule). */
const MUST_SPECIFY: Readonly<Record<string, { readonly field: 'requests' | 'limits'; readonly resource: string }>> = {
  cpu: { field: 'requests', resource: 'cpu' },
  'requests.cpu': { field: 'requests', resource: 'cpu' },
  memory: { field: 'requests', resource: 'memory' },
  'requests.memory': { field: 'requests', resource: 'memory' },
  'limits.cpu': { field: 'limits', resource: 'cpu' },
  'limits.memory': { field: 'limits', resource: 'memory' },
};

function statusMap(quota: KubeObject, field: 'hard' | 'used'): Record<string, unknown> {
  return isObject(quota.status) && isObject(quota.status[field]) ? quota.status[field] : {};
}

/** `name=amount,...` in name order, as upstream prints resource lists in quota errors. */
function printAmounts(names: readonly string[], amount: (name: string) => string): string {
  return [...names].sort().map((n) => `${n}=${amount(n)}`).join(',');
}

/** Throws when a container leaves out a request or limit the quota constrains (init containers too). */
function checkContainersSpecify(quotaName: string, restricted: readonly string[], pod: KubeObject): void {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const missing = new Map<string, string[]>();
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
    const limits = containerAmounts(c, 'limits');
    const requests = containerAmounts(c, 'requests');
    for (const name of restricted) {
      const rule = MUST_SPECIFY[name];
      if (rule === undefined || (rule.field === 'requests' ? requests : limits).has(rule.resource)) continue;
      missing.set(name, [...(missing.get(name) ?? []), str(c.name)]);
    }
  }
  if (missing.size === 0) return;
  const parts = [...missing.keys()].sort().map((name) => `${name} for: ${[...new Set(missing.get(name))].sort().join(',')}`);
  throw new QuotaRefusal(`failed quota: ${quotaName}: must specify ${parts.join('; ')}`);
}

function hasScopes(quota: KubeObject): boolean {
  const spec = isObject(quota.spec) ? quota.spec : {};
  return (Array.isArray(spec.scopes) && spec.scopes.length > 0) || isObject(spec.scopeSelector);
}

/** How much of quota entry `name` one object of `resource` takes (nano-units). */
function amountOf(name: string, obj: KubeObject, isPod: boolean): bigint {
  return isPod ? podQuotaAmount(name, obj) : ONE;
}

/**
 * What admitting `obj`, a new object of `resource`, takes of `quota`, or undefined when the
 * quota does not constrain it.
 * @throws QuotaRefusal when a pod's container leaves out a constrained request or limit, when
 *   the quota's usage is not known yet, or when the object would exceed the quota
 */
export function chargeToQuota(quota: KubeObject, obj: KubeObject, resource: GroupResource): QuotaCharge | undefined {
  const isPod = resource.group === '' && resource.resource === 'pods';
  if (isPod ? !quotaSelectsPod(quota, obj) : hasScopes(quota)) return undefined;
  const quotaName = quota.metadata.name ?? '';
  const hard = statusMap(quota, 'hard');
  const usedNow = statusMap(quota, 'used');
  const counts = (name: string): boolean => {
    const target = objectCountTarget(name);
    return target !== undefined && target.group === resource.group && target.resource === resource.resource;
  };
  const restricted = Object.keys(hard).filter(isPod ? isTrackedQuotaResource : counts);
  if (restricted.length === 0) return undefined;
  if (isPod) checkContainersSpecify(quotaName, restricted, obj);
  if (restricted.some((name) => usedNow[name] === undefined)) {
    throw new QuotaRefusal(`status unknown for quota: ${quotaName}, resources: ${[...restricted].sort().join(',')}`);
  }

  const requested = new Map<string, bigint>();
  for (const name of restricted) {
    const amount = amountOf(name, obj, isPod);
    if (amount !== 0n) requested.set(name, amount);
  }
  if (requested.size === 0) return undefined;
  const quantity = (v: unknown): bigint => parseQuantity(str(v)) ?? 0n;
  const exceeded = [...requested].filter(([name, amount]) => quantity(usedNow[name]) + amount > quantity(hard[name])).map(([name]) => name);
  if (exceeded.length > 0) {
    throw new QuotaRefusal(
      `exceeded quota: ${quotaName}, requested: ${printAmounts(exceeded, (n) => formatQuotaAmount(n, requested.get(n)!))}, ` +
        `used: ${printAmounts(exceeded, (n) => formatQuotaAmount(n, quantity(usedNow[n])))}, ` +
        `limited: ${printAmounts(exceeded, (n) => formatQuotaAmount(n, quantity(hard[n])))}`,
    );
  }
  const used: Record<string, string> = {};
  for (const [name, value] of Object.entries(usedNow)) used[name] = str(value);
  for (const [name, amount] of requested) used[name] = formatQuotaAmount(name, quantity(usedNow[name]) + amount);
  return { requested, used };
}

/** The quota's status.used with `requested` given back (never below zero). */
export function releaseFromQuota(quota: KubeObject, requested: ReadonlyMap<string, bigint>): Record<string, string> {
  const usedNow = statusMap(quota, 'used');
  const used: Record<string, string> = {};
  for (const [name, value] of Object.entries(usedNow)) used[name] = str(value);
  for (const [name, amount] of requested) {
    if (usedNow[name] === undefined) continue;
    const left = (parseQuantity(str(usedNow[name])) ?? 0n) - amount;
    used[name] = formatQuotaAmount(name, left > 0n ? left : 0n);
  }
  return used;
}
