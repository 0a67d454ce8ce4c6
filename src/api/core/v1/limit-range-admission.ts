/**
 * LimitRange admission of a new pod, as upstream's LimitRanger plugin does it: the containers
 * get the `default` limits and `defaultRequest` requests of the namespace's Container limits
 * they do not set themselves (recorded in the `kubernetes.io/limit-ranger` annotation), then
 * every Container and Pod limit is checked: `min`, `max` and `maxLimitRequestRatio`.
 */
import { formatQuantity, parseQuantity } from '../../meta/quantity.ts';
import { isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import type { KubeObject } from '../../meta/types.ts';
import { containerAmounts, podLimitAmounts, podRequestAmounts } from './pod-resources.ts';

/** The annotation naming what the admission filled in. */
export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

type Amounts = Map<string, bigint>;

function resourcesOf(c: JsonObject): JsonObject {
  if (!isObject(c.resources)) c.resources = {};
  return c.resources as JsonObject;
}

/** Fills what `from` has and `into[field]` lacks; returns the names filled, sorted. */
function fill(resources: JsonObject, field: 'limits' | 'requests', from: unknown): string[] {
  if (!isObject(from)) return [];
  const set: string[] = [];
  for (const [name, value] of Object.entries(from)) {
    if (!isObject(resources[field])) resources[field] = {};
    const target = resources[field] as JsonObject;
    if (target[name] !== undefined) continue;
    target[name] = value;
    set.push(name);
  }
  return set.sort();
}

/** Gives the pod's containers the defaults of the ranges' Container limits (the first range to set a resource wins). */
function applyDefaults(pod: KubeObject, ranges: readonly KubeObject[]): void {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const notes: string[] = [];
  for (const range of ranges) {
    const limits = isObject(range.spec) ? objects(range.spec.limits) : [];
    const item = limits.find((l) => l.type === 'Container');
    if (item === undefined) continue;
    const containers = [...objects(spec.containers).map((c) => ['container', c] as const), ...objects(spec.initContainers).map((c) => ['init container', c] as const)];
    for (const [kind, c] of containers) {
      const resources = resourcesOf(c);
      const requests = fill(resources, 'requests', item.defaultRequest);
      const limitsSet = fill(resources, 'limits', item.default);
      if (requests.length > 0) notes.push(`${requests.join(', ')} request for ${kind} ${str(c.name)}`);
      if (limitsSet.length > 0) notes.push(`${limitsSet.join(', ')} limit for ${kind} ${str(c.name)}`);
    }
  }
  if (notes.length === 0) return;
  pod.metadata.annotations = { ...pod.metadata.annotations, [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
}

/** A bound's text as the range gives it, or canonical when it is not a quantity string. */
function boundText(bound: unknown, nanos: bigint, name: string): string {
  return typeof bound === 'string' ? bound : formatQuantity(nanos, name === 'memory');
}

/** The violations of one Container or Pod limit by one set of requests and limits. */
function check(item: JsonObject, kind: string, requests: Amounts, limits: Amounts, text: (field: 'requests' | 'limits', name: string) => string): string[] {
  const errors: string[] = [];
  const bounds = (field: string): Array<[string, bigint, unknown]> =>
    isObject(item[field]) ? Object.entries(item[field]).flatMap(([n, v]) => {
      const q = parseQuantity(str(v));
      return q === undefined ? [] : [[n, q, v] as [string, bigint, unknown]];
    }) : [];
  for (const [name, min, raw] of bounds('min')) {
    const bound = boundText(raw, min, name);
    const request = requests.get(name);
    const limit = limits.get(name);
    if (request === undefined) errors.push(`minimum ${name} usage per ${kind} is ${bound}.  No request is specified`);
    else if (request < min) errors.push(`minimum ${name} usage per ${kind} is ${bound}, but request is ${text('requests', name)}`);
    else if (limit !== undefined && limit < min) errors.push(`minimum ${name} usage per ${kind} is ${bound}, but limit is ${text('limits', name)}`);
  }
  for (const [name, max, raw] of bounds('max')) {
    const bound = boundText(raw, max, name);
    const request = requests.get(name);
    const limit = limits.get(name);
    if (limit === undefined) errors.push(`maximum ${name} usage per ${kind} is ${bound}.  No limit is specified`);
    else if (limit > max) errors.push(`maximum ${name} usage per ${kind} is ${bound}, but limit is ${text('limits', name)}`);
    else if (request !== undefined && request > max) errors.push(`maximum ${name} usage per ${kind} is ${bound}, but request is ${text('requests', name)}`);
  }
  for (const [name, ratio, raw] of bounds('maxLimitRequestRatio')) {
    const bound = boundText(raw, ratio, name);
    const request = requests.get(name) ?? 0n;
    const limit = limits.get(name) ?? 0n;
    if (request === 0n) errors.push(`${name} max limit to request ratio per ${kind} is ${bound}, but no request is specified or request is 0`);
    else if (limit === 0n) errors.push(`${name} max limit to request ratio per ${kind} is ${bound}, but no limit is specified or limit is 0`);
    else {
      const observed = Number(limit) / Number(request);
      if (observed > Number(ratio) / 1e9) errors.push(`${name} max limit to request ratio per ${kind} is ${bound}, but provided ratio is ${observed.toFixed(6)}`);
    }
  }
  return errors;
}

/**
 * Applies the namespace's LimitRanges to a new pod: fills container defaults in place, then
 * returns every violation (empty: admitted).
 */
export function admitPodToLimitRanges(pod: KubeObject, ranges: readonly KubeObject[]): string[] {
  applyDefaults(pod, ranges);
  const spec = isObject(pod.spec) ? pod.spec : {};
  const errors: string[] = [];
  for (const range of ranges) {
    for (const item of isObject(range.spec) ? objects(range.spec.limits) : []) {
      if (item.type === 'Container') {
        for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
          const resources = isObject(c.resources) ? c.resources : {};
          const raw = (field: 'requests' | 'limits', name: string): string => (isObject(resources[field]) ? str(resources[field][name]) : '');
          const text = (field: 'requests' | 'limits', name: string): string => raw(field, name) || raw('limits', name);
          errors.push(...check(item, 'Container', containerAmounts(c, 'requests'), containerAmounts(c, 'limits'), text));
        }
      } else if (item.type === 'Pod') {
        const requests = podRequestAmounts(pod);
        const limits = podLimitAmounts(pod);
        const text = (field: 'requests' | 'limits', name: string): string => formatQuantity((field === 'requests' ? requests : limits).get(name) ?? 0n, name === 'memory');
        errors.push(...check(item, 'Pod', requests, limits, text));
      }
    }
  }
  return errors;
}
