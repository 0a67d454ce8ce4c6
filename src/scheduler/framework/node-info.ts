/**
 * NodeInfo: one node as the scheduler sees it — the Node's labels, taints and allocatable,
 * parsed once per Node update, plus the pods on it (bound, or assumed while their binding is
 * in flight) with their summed requests and host ports kept up to date incrementally, so a
 * Filter is a few comparisons.
 *
 * A NodeInfo can exist without its Node (`node` undefined) when pods bound to it are seen
 * before the Node itself; such placeholders are never offered to plugins.
 */
import type { Labels } from '../../api/labels/index.ts';
import type { Taint } from '../../api/core/v1/taints.ts';
import { nodeTaints } from '../../api/core/v1/taints.ts';
import { isObject, objects, str } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { HostPort, PodInfo } from './pod-info.ts';
import { hasPodAffinity } from './pod-info.ts';
import type { Resource } from './resources.ts';
import { addResource, cloneResource, emptyResource, resourceFromList, subtractResource } from './resources.ts';

/** `True`, `False` or `Unknown` (also for a node without a Ready condition). */
export type ReadyStatus = 'True' | 'False' | 'Unknown';

const ANY_IP = '0.0.0.0';

/** Host ports in use on a node, by protocol/port, then host IP, with use counts. */
export class HostPortSet {
  readonly #byPort = new Map<string, Map<string, number>>();

  get size(): number {
    return this.#byPort.size;
  }

  add(p: HostPort): void {
    const key = `${p.protocol}/${p.port}`;
    let ips = this.#byPort.get(key);
    if (ips === undefined) this.#byPort.set(key, (ips = new Map()));
    const ip = p.hostIP || ANY_IP;
    ips.set(ip, (ips.get(ip) ?? 0) + 1);
  }

  remove(p: HostPort): void {
    const key = `${p.protocol}/${p.port}`;
    const ips = this.#byPort.get(key);
    const ip = p.hostIP || ANY_IP;
    const n = ips?.get(ip);
    if (ips === undefined || n === undefined) return;
    if (n > 1) ips.set(ip, n - 1);
    else ips.delete(ip);
    if (ips.size === 0) this.#byPort.delete(key);
  }

  /** Whether `p` collides: same protocol and port, and either side binds every address or both bind the same one. */
  conflicts(p: HostPort): boolean {
    const ips = this.#byPort.get(`${p.protocol}/${p.port}`);
    if (ips === undefined) return false;
    const ip = p.hostIP || ANY_IP;
    return ip === ANY_IP || ips.has(ANY_IP) || ips.has(ip);
  }

  clone(): HostPortSet {
    const copy = new HostPortSet();
    for (const [k, ips] of this.#byPort) copy.#byPort.set(k, new Map(ips));
    return copy;
  }
}

function readyStatusOf(node: KubeObject): ReadyStatus {
  const status = isObject(node.status) ? node.status : {};
  const ready = objects(status.conditions).find((c) => c.type === 'Ready');
  const value = str(ready?.status);
  return value === 'True' || value === 'False' ? value : 'Unknown';
}

/** One node and its pods; see the file comment. */
export class NodeInfo {
  readonly name: string;
  node: KubeObject | undefined;
  labels: Labels = {};
  taints: readonly Taint[] = [];
  unschedulable = false;
  ready: ReadyStatus = 'Unknown';
  allocatable: Resource = emptyResource();
  /** Sum of the pods' requests. */
  requested: Resource = emptyResource();
  /** Sum of the pods' requests with the scoring defaults for cpu and memory. */
  nonZeroRequested: Resource = emptyResource();
  /** By pod key. */
  readonly pods = new Map<string, PodInfo>();
  /** Pods with any pod (anti-)affinity term. */
  readonly podsWithAffinity = new Set<PodInfo>();
  /** Pods with a required anti-affinity term (they can reject pods coming here). */
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  usedPorts = new HostPortSet();
  /** Bumped on every change. */
  generation = 0;

  constructor(name: string, node?: KubeObject) {
    this.name = name;
    if (node !== undefined) this.setNode(node);
  }

  /** Replaces the Node object and what is parsed from it. */
  setNode(node: KubeObject): void {
    this.node = node;
    this.labels = node.metadata.labels ?? {};
    this.taints = nodeTaints(node);
    this.unschedulable = isObject(node.spec) && node.spec.unschedulable === true;
    this.ready = readyStatusOf(node);
    const status = isObject(node.status) ? node.status : {};
    this.allocatable = resourceFromList(isObject(status.allocatable) ? status.allocatable : status.capacity);
    this.generation++;
  }

  addPod(p: PodInfo): void {
    const old = this.pods.get(p.key);
    if (old !== undefined) this.#unaccount(old);
    this.pods.set(p.key, p);
    addResource(this.requested, p.requests);
    addResource(this.nonZeroRequested, p.nonZeroRequests);
    for (const port of p.hostPorts) this.usedPorts.add(port);
    if (hasPodAffinity(p)) this.podsWithAffinity.add(p);
    if (p.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.add(p);
    this.generation++;
  }

  /** Removes the pod with `key`; returns it, or undefined when it is not here. */
  removePod(key: string): PodInfo | undefined {
    const old = this.pods.get(key);
    if (old === undefined) return undefined;
    this.#unaccount(old);
    this.pods.delete(key);
    this.generation++;
    return old;
  }

  #unaccount(p: PodInfo): void {
    subtractResource(this.requested, p.requests);
    subtractResource(this.nonZeroRequested, p.nonZeroRequests);
    for (const port of p.hostPorts) this.usedPorts.remove(port);
    this.podsWithAffinity.delete(p);
    this.podsWithRequiredAntiAffinity.delete(p);
  }

  /** A copy whose pod set can be changed without touching this one (preemption's what-ifs). */
  clone(): NodeInfo {
    const copy = new NodeInfo(this.name);
    copy.node = this.node;
    copy.labels = this.labels;
    copy.taints = this.taints;
    copy.unschedulable = this.unschedulable;
    copy.ready = this.ready;
    copy.allocatable = this.allocatable;
    copy.requested = cloneResource(this.requested);
    copy.nonZeroRequested = cloneResource(this.nonZeroRequested);
    for (const [k, p] of this.pods) copy.pods.set(k, p);
    for (const p of this.podsWithAffinity) copy.podsWithAffinity.add(p);
    for (const p of this.podsWithRequiredAntiAffinity) copy.podsWithRequiredAntiAffinity.add(p);
    copy.usedPorts = this.usedPorts.clone();
    copy.generation = this.generation;
    return copy;
  }
}
