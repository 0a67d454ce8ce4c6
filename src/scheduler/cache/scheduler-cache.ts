/**
 * The scheduler's view of the cluster: a NodeInfo per node with the pods bound to it, fed by
 * the node and pod informers, plus *assumed* pods — pods this scheduler has placed whose
 * binding the informer has not shown yet. Assuming a pod adds it to its node at once, so the
 * next scheduling cycle (which may start before the binding request even returns) counts its
 * requests and cannot overcommit the node.
 *
 * Life of an assumed pod: `assumePod` (scheduling cycle) → `finishBinding` (bind succeeded) →
 * the informer shows the pod bound, and `addPod` confirms it (moving it if it was bound
 * elsewhere). A failed binding calls `forgetPod`, which removes it. A deleted pod is removed
 * whatever its state.
 *
 * The cache is also the Snapshot plugins read: scheduling cycles are synchronous, so nothing
 * changes it while one runs, and no copy is needed.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import type { Snapshot } from '../framework/interface.ts';
import { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';

const ZONE_LABEL = 'topology.kubernetes.io/zone';
const REGION_LABEL = 'topology.kubernetes.io/region';

interface PodState {
  info: PodInfo;
  assumed: boolean;
  bindingFinished: boolean;
}

function zoneOf(n: NodeInfo): string {
  return `${n.labels[REGION_LABEL] ?? ''}:${n.labels[ZONE_LABEL] ?? ''}`;
}

/** Nodes and pods as the scheduler sees them; see the file comment. */
export class SchedulerCache implements Snapshot {
  readonly #nodes = new Map<string, NodeInfo>();
  readonly #pods = new Map<string, PodState>();
  /** Visiting order; rebuilt lazily after nodes come, go or change zone. */
  #order: NodeInfo[] | undefined;
  readonly #withAffinity = new Set<NodeInfo>();
  readonly #withAntiAffinity = new Set<NodeInfo>();
  #affinityList: NodeInfo[] | undefined;
  #antiAffinityList: NodeInfo[] | undefined;

  /** Nodes with a Node object. */
  get nodeCount(): number {
    return this.list().length;
  }

  /** Pods in the cache, bound or assumed. */
  get podCount(): number {
    return this.#pods.size;
  }

  list(): readonly NodeInfo[] {
    this.#order ??= this.#interleaveZones();
    return this.#order;
  }

  get(name: string): NodeInfo | undefined {
    const n = this.#nodes.get(name);
    return n?.node === undefined ? undefined : n;
  }

  havePodsWithAffinity(): readonly NodeInfo[] {
    this.#affinityList ??= [...this.#withAffinity].filter((n) => n.node !== undefined);
    return this.#affinityList;
  }

  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[] {
    this.#antiAffinityList ??= [...this.#withAntiAffinity].filter((n) => n.node !== undefined);
    return this.#antiAffinityList;
  }

  /** Adds or replaces a Node. */
  setNode(node: KubeObject): NodeInfo {
    const name = node.metadata.name ?? '';
    let info = this.#nodes.get(name);
    if (info === undefined) {
      info = new NodeInfo(name, node);
      this.#nodes.set(name, info);
      this.#nodesChanged();
      return info;
    }
    const hadNode = info.node !== undefined;
    const oldZone = zoneOf(info);
    info.setNode(node);
    if (!hadNode || zoneOf(info) !== oldZone) this.#nodesChanged();
    return info;
  }

  /** Removes a Node; its NodeInfo stays as a placeholder while pods are still bound to it. */
  removeNode(name: string): void {
    const info = this.#nodes.get(name);
    if (info === undefined) return;
    if (info.pods.size === 0) this.#nodes.delete(name);
    else info.node = undefined;
    this.#nodesChanged();
  }

  /** The pod the informer shows bound (adds it, confirms an assumed one, or replaces an older version). */
  addPod(p: PodInfo): void {
    const state = this.#pods.get(p.key);
    if (state !== undefined && state.info.nodeName !== p.nodeName) this.#detach(state.info);
    this.#attach(p);
    this.#pods.set(p.key, { info: p, assumed: false, bindingFinished: false });
  }

  /** Removes a pod, whatever its state; returns what was cached. */
  removePod(key: string): PodInfo | undefined {
    const state = this.#pods.get(key);
    if (state === undefined) return undefined;
    this.#detach(state.info);
    this.#pods.delete(key);
    return state.info;
  }

  /**
   * Counts `p` (bound to `p.nodeName`) on its node before its binding is seen.
   * @throws Error if the pod is already in the cache
   */
  assumePod(p: PodInfo): void {
    if (this.#pods.has(p.key)) throw new Error(`Cannot assume pod ${p.key}: it is already in the cache`);
    this.#attach(p);
    this.#pods.set(p.key, { info: p, assumed: true, bindingFinished: false });
  }

  /** The binding of an assumed pod succeeded; it stays assumed until the informer confirms it. */
  finishBinding(key: string): void {
    const state = this.#pods.get(key);
    if (state?.assumed === true) state.bindingFinished = true;
  }

  /** Drops an assumed pod whose binding failed. Bound pods are left alone. */
  forgetPod(key: string): void {
    if (this.#pods.get(key)?.assumed === true) this.removePod(key);
  }

  isAssumed(key: string): boolean {
    return this.#pods.get(key)?.assumed === true;
  }

  /** The cached pod with `key`, bound or assumed. */
  getPod(key: string): PodInfo | undefined {
    return this.#pods.get(key)?.info;
  }

  #attach(p: PodInfo): void {
    let info = this.#nodes.get(p.nodeName);
    if (info === undefined) {
      info = new NodeInfo(p.nodeName);
      this.#nodes.set(p.nodeName, info);
    }
    info.addPod(p);
    this.#trackAffinity(info);
  }

  #detach(p: PodInfo): void {
    const info = this.#nodes.get(p.nodeName);
    if (info === undefined) return;
    info.removePod(p.key);
    this.#trackAffinity(info);
    if (info.node === undefined && info.pods.size === 0) this.#nodes.delete(p.nodeName);
  }

  #trackAffinity(info: NodeInfo): void {
    if (info.podsWithAffinity.size > 0 !== this.#withAffinity.has(info)) {
      if (info.podsWithAffinity.size > 0) this.#withAffinity.add(info);
      else this.#withAffinity.delete(info);
      this.#affinityList = undefined;
    }
    if (info.podsWithRequiredAntiAffinity.size > 0 !== this.#withAntiAffinity.has(info)) {
      if (info.podsWithRequiredAntiAffinity.size > 0) this.#withAntiAffinity.add(info);
      else this.#withAntiAffinity.delete(info);
      this.#antiAffinityList = undefined;
    }
  }

  #nodesChanged(): void {
    this.#order = undefined;
    this.#affinityList = undefined;
    this.#antiAffinityList = undefined;
  }

  /**
   * Nodes ordered so that consecutive ones come from different zones (one from each zone in
   * turn), as upstream's node tree does: when only a sample of nodes is evaluated, the sample
   * spans the zones.
   */
  #interleaveZones(): NodeInfo[] {
    const zones = new Map<string, NodeInfo[]>();
    for (const n of this.#nodes.values()) {
      if (n.node === undefined) continue;
      const z = zoneOf(n);
      let list = zones.get(z);
      if (list === undefined) zones.set(z, (list = []));
      list.push(n);
    }
    if (zones.size <= 1) return [...zones.values()][0] ?? [];
    const lists = [...zones.values()];
    const total = lists.reduce((sum, l) => sum + l.length, 0);
    const out: NodeInfo[] = [];
    for (let i = 0; out.length < total; i++) {
      for (const l of lists) if (i < l.length) out.push(l[i]!);
    }
    return out;
  }
}
