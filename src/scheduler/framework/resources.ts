/**
 * Resource amounts as the scheduler counts them: cpu in millicores, memory and
 * ephemeral-storage in bytes, pods as a count, and every other resource (extended resources
 * like `example.com/gpu`, hugepages) as a plain integer. Quantities are rounded up, as
 * upstream's `MilliValue()`/`Value()` do, so a request is never under-counted.
 *
 * Pod requests follow upstream's rule (k8s.io/component-helpers resource.PodRequests):
 * the sum over containers, plus restartable init containers (sidecars, which keep running),
 * or the largest ordinary init container plus the sidecars started before it, whichever is
 * larger; plus the pod overhead.
 */
import { parseQuantity } from '../../api/meta/quantity.ts';
import { isObject, objects, str, type JsonObject } from '../../api/meta/shape.ts';

/** An amount of each resource. `scalars` is undefined until an extended resource is added. */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Only meaningful for allocatable: how many pods the node takes. */
  pods: number;
  scalars: Map<string, number> | undefined;
}

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';
export const PODS = 'pods';

/**
 * What a container without a cpu or memory request counts as for scoring, so that many
 * request-less pods still spread out (upstream's DefaultMilliCPURequest and DefaultMemoryRequest).
 */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalars: undefined };
}

export function cloneResource(r: Resource): Resource {
  return { ...r, scalars: r.scalars === undefined ? undefined : new Map(r.scalars) };
}

const NANO_PER_MILLI = 1_000_000n;
const NANO_PER_UNIT = 1_000_000_000n;

function ceilDiv(n: bigint, d: bigint): number {
  return Number(n >= 0n ? (n + d - 1n) / d : n / d);
}

/**
 * Parsed quantities by unit and text. Clusters use few distinct quantities (`100m`, `128Mi`,
 * …) and every pod event re-reads them, so parsing each once saves the scheduler real time.
 */
const parsedMilli = new Map<string, number>();
const parsedUnits = new Map<string, number>();
const MAX_PARSED = 10_000;

/** The amount of `name` in `quantity`, in the unit the scheduler counts it in; 0 if unparsable. */
export function quantityValue(name: string, quantity: unknown): number {
  const text = typeof quantity === 'number' ? String(quantity) : str(quantity);
  const cache = name === CPU ? parsedMilli : parsedUnits;
  let v = cache.get(text);
  if (v === undefined) {
    const nano = parseQuantity(text);
    v = nano === undefined ? 0 : ceilDiv(nano, name === CPU ? NANO_PER_MILLI : NANO_PER_UNIT);
    if (cache.size >= MAX_PARSED) cache.clear();
    cache.set(text, v);
  }
  return v;
}

/** Resources that are counted as plain integers (everything but the well-known four and storage). */
function isScalar(name: string): boolean {
  return name !== CPU && name !== MEMORY && name !== EPHEMERAL_STORAGE && name !== PODS && name !== 'storage';
}

/** Reads a ResourceList (`{cpu: '500m', memory: '1Gi'}`) into a Resource. */
export function resourceFromList(list: unknown): Resource {
  const r = emptyResource();
  if (!isObject(list)) return r;
  for (const [name, q] of Object.entries(list)) {
    const v = quantityValue(name, q);
    if (name === CPU) r.milliCPU = v;
    else if (name === MEMORY) r.memory = v;
    else if (name === EPHEMERAL_STORAGE) r.ephemeralStorage = v;
    else if (name === PODS) r.pods = v;
    else if (isScalar(name)) setScalar(r, name, v);
  }
  return r;
}

export function getScalar(r: Resource, name: string): number {
  return r.scalars?.get(name) ?? 0;
}

function setScalar(r: Resource, name: string, v: number): void {
  (r.scalars ??= new Map()).set(name, v);
}

/** `into += other`, resource by resource (pods included). */
export function addResource(into: Resource, other: Resource): void {
  into.milliCPU += other.milliCPU;
  into.memory += other.memory;
  into.ephemeralStorage += other.ephemeralStorage;
  into.pods += other.pods;
  if (other.scalars !== undefined) for (const [k, v] of other.scalars) setScalar(into, k, getScalar(into, k) + v);
}

/** `into -= other`, resource by resource. */
export function subtractResource(into: Resource, other: Resource): void {
  into.milliCPU -= other.milliCPU;
  into.memory -= other.memory;
  into.ephemeralStorage -= other.ephemeralStorage;
  into.pods -= other.pods;
  if (other.scalars !== undefined) for (const [k, v] of other.scalars) setScalar(into, k, getScalar(into, k) - v);
}

/** `into = max(into, other)`, resource by resource. */
function maxResource(into: Resource, other: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, other.milliCPU);
  into.memory = Math.max(into.memory, other.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, other.ephemeralStorage);
  if (other.scalars !== undefined) for (const [k, v] of other.scalars) setScalar(into, k, Math.max(getScalar(into, k), v));
}

function containerRequests(c: JsonObject): Resource {
  return resourceFromList(isObject(c.resources) ? c.resources.requests : undefined);
}

/** Requests with the scoring defaults filled in for containers that request no cpu or memory. */
function nonZeroContainerRequests(c: JsonObject): Resource {
  const r = containerRequests(c);
  const requests = isObject(c.resources) && isObject(c.resources.requests) ? c.resources.requests : {};
  if (requests[CPU] === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
  if (requests[MEMORY] === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  return r;
}

function podRequestsWith(spec: JsonObject, perContainer: (c: JsonObject) => Resource): Resource {
  const total = emptyResource();
  for (const c of objects(spec.containers)) addResource(total, perContainer(c));
  const sidecars = emptyResource();
  const initMax = emptyResource();
  for (const c of objects(spec.initContainers)) {
    const r = perContainer(c);
    if (c.restartPolicy === 'Always') {
      addResource(total, r);
      addResource(sidecars, r);
    } else {
      // An init container runs next to the sidecars started before it.
      addResource(r, sidecars);
      maxResource(initMax, r);
    }
  }
  maxResource(total, initMax);
  if (isObject(spec.overhead)) addResource(total, resourceFromList(spec.overhead));
  total.pods = 0;
  return total;
}

/** What the pod requests, as NodeResourcesFit checks it against allocatable. */
export function podRequests(spec: unknown): Resource {
  return podRequestsWith(isObject(spec) ? spec : {}, containerRequests);
}

/** What the pod counts as for scoring: requests, with defaults for missing cpu/memory requests. */
export function podNonZeroRequests(spec: unknown): Resource {
  return podRequestsWith(isObject(spec) ? spec : {}, nonZeroContainerRequests);
}

/** Whether two amounts are equal, resource by resource (absent extended resources count as 0). */
export function resourceEquals(a: Resource, b: Resource): boolean {
  if (a.milliCPU !== b.milliCPU || a.memory !== b.memory || a.ephemeralStorage !== b.ephemeralStorage || a.pods !== b.pods) return false;
  const names = new Set([...(a.scalars?.keys() ?? []), ...(b.scalars?.keys() ?? [])]);
  for (const n of names) if (getScalar(a, n) !== getScalar(b, n)) return false;
  return true;
}
