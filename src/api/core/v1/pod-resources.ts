/**
 * What a pod requests and is limited to, resource by resource, in nano-units, as quota
 * accounting counts it (upstream's pod requests rule): the containers' sum plus the
 * restartable init containers (sidecars), or the largest ordinary init container plus the
 * sidecars started before it, whichever is larger; plus the pod overhead.
 */
import { isObject, objects, type JsonObject } from '../../meta/shape.ts';
import { resourceValues } from '../../validation/resource-list.ts';

type Amounts = Map<string, bigint>;

function add(into: Amounts, other: Amounts): void {
  for (const [k, v] of other) into.set(k, (into.get(k) ?? 0n) + v);
}

function max(into: Amounts, other: Amounts): void {
  for (const [k, v] of other) if (v > (into.get(k) ?? 0n)) into.set(k, v);
}

/**
 * One container's requests, or limits, by resource name (nano-units). Its requests default to
 * its limits, as pod defaulting fills them.
 */
export function containerAmounts(c: JsonObject, field: 'requests' | 'limits'): Amounts {
  const resources = isObject(c.resources) ? c.resources : {};
  const limits = isObject(resources.limits) ? resources.limits : {};
  return resourceValues(field === 'requests' ? { ...limits, ...(isObject(resources.requests) ? resources.requests : {}) } : limits);
}

function amounts(spec: JsonObject, field: 'requests' | 'limits'): Amounts {
  const of = (c: JsonObject): Amounts => containerAmounts(c, field);
  const total: Amounts = new Map();
  for (const c of objects(spec.containers)) add(total, of(c));
  const sidecars: Amounts = new Map();
  const initMax: Amounts = new Map();
  for (const c of objects(spec.initContainers)) {
    const r = of(c);
    if (c.restartPolicy === 'Always') {
      add(total, r);
      add(sidecars, r);
    } else {
      add(r, sidecars);
      max(initMax, r);
    }
  }
  max(total, initMax);
  if (isObject(spec.overhead)) add(total, resourceValues(spec.overhead));
  return total;
}

/** The pod's requests by resource name (nano-units). */
export function podRequestAmounts(pod: { spec?: unknown }): Map<string, bigint> {
  return amounts(isObject(pod.spec) ? pod.spec : {}, 'requests');
}

/** The pod's limits by resource name (nano-units). */
export function podLimitAmounts(pod: { spec?: unknown }): Map<string, bigint> {
  return amounts(isObject(pod.spec) ? pod.spec : {}, 'limits');
}
