/**
 * What a namespace uses of a ResourceQuota's resources, for the quota's status: the pods the
 * quota's scopes select that have not finished (`pods`, `count/pods`), and their cpu and memory
 * requests (`requests.cpu` or `cpu`, `requests.memory` or `memory`) and limits; and object
 * counts of other kinds (`count/<resource>[.<group>]`, and the older `configmaps`, `secrets`,
 * `services`, `persistentvolumeclaims`, `replicationcontrollers`, `resourcequotas`), which the
 * caller counts. Other resources of `spec.hard` get no entry in `status.used`.
 */
import { formatQuantity } from '../../meta/quantity.ts';
import { isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import type { KubeObject } from '../../meta/types.ts';
import { podLimitAmounts, podRequestAmounts } from './pod-resources.ts';

/** One unit (a count) in nano-units. */
const ONE = 1_000_000_000n;

/** How a tracked resource is read off one pod (nano-units), and whether it prints as binary. */
interface Tracked {
  readonly amount: (pod: KubeObject) => bigint;
  readonly binary: boolean;
}

const count: Tracked = { amount: () => ONE, binary: false };
const request = (name: string, binary: boolean): Tracked => ({ amount: (pod) => podRequestAmounts(pod).get(name) ?? 0n, binary });
const limit = (name: string, binary: boolean): Tracked => ({ amount: (pod) => podLimitAmounts(pod).get(name) ?? 0n, binary });

/** The resources the usage is computed for. */
const TRACKED: Readonly<Record<string, Tracked>> = {
  pods: count,
  'count/pods': count,
  cpu: request('cpu', false),
  'requests.cpu': request('cpu', false),
  memory: request('memory', true),
  'requests.memory': request('memory', true),
  'limits.cpu': limit('cpu', false),
  'limits.memory': limit('memory', true),
};

/** Whether quota accounting reads `name` off pods (see TRACKED). */
export function isTrackedQuotaResource(name: string): boolean {
  return Object.hasOwn(TRACKED, name);
}

/** A kind's objects, by API group and resource. */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/** The older names of object counts of core kinds. */
const LEGACY_COUNTS = new Set(['configmaps', 'secrets', 'services', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas']);

/** The kind a quota's object-count entry counts (pods excepted: they are TRACKED), or undefined. */
export function objectCountTarget(name: string): GroupResource | undefined {
  if (LEGACY_COUNTS.has(name)) return { group: '', resource: name };
  if (!name.startsWith('count/') || isTrackedQuotaResource(name)) return undefined;
  const qualified = name.slice('count/'.length);
  const dot = qualified.indexOf('.');
  return dot < 0 ? { group: '', resource: qualified } : { group: qualified.slice(dot + 1), resource: qualified.slice(0, dot) };
}

/** What one pod uses of tracked resource `name` (nano-units). */
export function podQuotaAmount(name: string, pod: KubeObject): bigint {
  return TRACKED[name]!.amount(pod);
}

/** A quota entry's amount as quota status prints it (`250m`, `1Gi`, `3`); object counts print as numbers. */
export function formatQuotaAmount(name: string, nanos: bigint): string {
  return formatQuantity(nanos, TRACKED[name]?.binary ?? false);
}

/** Whether a pod asks for no cpu or memory at all (the BestEffort QoS class). */
function isBestEffort(pod: KubeObject): boolean {
  const has = (m: Map<string, bigint>): boolean => (m.get('cpu') ?? 0n) > 0n || (m.get('memory') ?? 0n) > 0n;
  return !has(podRequestAmounts(pod)) && !has(podLimitAmounts(pod));
}

function matchesScope(scope: string, pod: KubeObject, spec: JsonObject): boolean {
  switch (scope) {
    case 'Terminating':
      return typeof spec.activeDeadlineSeconds === 'number';
    case 'NotTerminating':
      return typeof spec.activeDeadlineSeconds !== 'number';
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    default:
      return false;
  }
}

/** Whether the quota's scopes and scope selector select `pod`. */
export function quotaSelectsPod(quota: KubeObject, pod: KubeObject): boolean {
  const qspec = isObject(quota.spec) ? quota.spec : {};
  const spec = isObject(pod.spec) ? pod.spec : {};
  const scopes: unknown[] = Array.isArray(qspec.scopes) ? qspec.scopes : [];
  if (!scopes.every((s) => matchesScope(str(s), pod, spec))) return false;
  const expressions = isObject(qspec.scopeSelector) ? objects(qspec.scopeSelector.matchExpressions) : [];
  return expressions.every((e) => {
    const scope = str(e.scopeName);
    const values: unknown[] = Array.isArray(e.values) ? e.values : [];
    if (scope !== 'PriorityClass') return matchesScope(scope, pod, spec) === (e.operator !== 'DoesNotExist' && e.operator !== 'NotIn');
    const className = str(spec.priorityClassName);
    switch (e.operator) {
      case 'In':
        return values.includes(className);
      case 'NotIn':
        return !values.includes(className);
      case 'Exists':
        return className !== '';
      case 'DoesNotExist':
        return className === '';
      default:
        return false;
    }
  });
}

/** Whether a pod still counts: not Succeeded or Failed. */
function podCounts(pod: KubeObject): boolean {
  const phase = isObject(pod.status) ? str(pod.status.phase) : '';
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/**
 * The status a quota should have, given the pods of its namespace and the object counts of its
 * object-count entries (by entry name; one left out gets no `used` entry): `hard` as the spec
 * says, and `used` for each resource of `hard` it accounts for.
 */
export function quotaStatus(
  quota: KubeObject,
  pods: readonly KubeObject[],
  objectCounts: ReadonlyMap<string, number> = new Map(),
): { hard: Record<string, unknown>; used: Record<string, string> } {
  const hard: Record<string, unknown> = isObject(quota.spec) && isObject(quota.spec.hard) ? { ...quota.spec.hard } : {};
  const selected = pods.filter((p) => podCounts(p) && quotaSelectsPod(quota, p));
  const used: Record<string, string> = {};
  for (const name of Object.keys(hard)) {
    const counted = objectCounts.get(name);
    if (counted !== undefined) used[name] = String(counted);
    const tracked = TRACKED[name];
    if (tracked === undefined) continue;
    let total = 0n;
    for (const pod of selected) total += tracked.amount(pod);
    used[name] = formatQuantity(total, tracked.binary);
  }
  return { hard, used };
}
