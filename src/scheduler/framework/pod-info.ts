/**
 * PodInfo: a pod plus everything the plugins read from it, parsed once (requests, ports,
 * tolerations, compiled node selectors and affinity terms, spread constraints) instead of once
 * per node. Built for pods to schedule and for the pods already on nodes alike.
 *
 * A pod whose selectors cannot be compiled still gets a PodInfo, with `parseError` set: as a
 * pod to schedule it fails with an Error status (and is retried with backoff); as a pod on a
 * node its malformed terms are left out.
 */
import type { Labels, Selector } from '../../api/labels/index.ts';
import { labelSelectorToSelector, newRequirement } from '../../api/labels/index.ts';
import type { Toleration } from '../../api/core/v1/taints.ts';
import { podTolerations } from '../../api/core/v1/taints.ts';
import { isObject, objects, str, type JsonObject } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { AffinityTerm, WeightedAffinityTerm } from './affinity-term.ts';
import { compileAffinityTerm, compileWeightedTerms } from './affinity-term.ts';
import type { NodeMatcher } from './node-selector.ts';
import { compileLabelEquality, compileNodeSelector, compileNodeSelectorTerm, nodeNamesPinnedBy } from './node-selector.ts';
import type { Resource } from './resources.ts';
import { podNonZeroRequests, podRequests } from './resources.ts';

/** A host port a container asks for. `hostIP` '' means every address (0.0.0.0). */
export interface HostPort {
  readonly hostIP: string;
  readonly protocol: string;
  readonly port: number;
}

/** A preferred node-affinity term and its weight. */
export interface PreferredNodeTerm {
  readonly weight: number;
  readonly matches: NodeMatcher;
}

/** One topologySpreadConstraint, compiled. */
export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  /** Null: no labelSelector, so no pod counts. */
  readonly selector: Selector | null;
  /** Domains below this count make the global minimum 0 (DoNotSchedule only). @default 1 */
  readonly minDomains: number;
  /** Whether nodes the pod's node affinity/selector rule out count as domains. @default 'Honor' */
  readonly nodeAffinityPolicy: 'Honor' | 'Ignore';
  /** Whether nodes with taints the pod does not tolerate count as domains. @default 'Ignore' */
  readonly nodeTaintsPolicy: 'Honor' | 'Ignore';
}

/** A pod and what the plugins need from it; see the file comment. */
export interface PodInfo {
  readonly pod: KubeObject;
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Labels;
  /** spec.priority, 0 when unset. */
  readonly priority: number;
  readonly nodeName: string;
  readonly schedulerName: string;
  readonly nominatedNodeName: string;
  /** deletionTimestamp is set. */
  readonly terminating: boolean;
  readonly schedulingGates: readonly string[];
  readonly requests: Resource;
  readonly nonZeroRequests: Resource;
  readonly hostPorts: readonly HostPort[];
  readonly tolerations: readonly Toleration[];
  /** spec.nodeSelector compiled; undefined when absent. */
  readonly nodeSelector: NodeMatcher | undefined;
  /** Required node affinity compiled; undefined when absent. */
  readonly requiredNodeAffinity: NodeMatcher | undefined;
  /** Node names the required node affinity is pinned to (matchFields metadata.name In). */
  readonly pinnedNodeNames: ReadonlySet<string> | undefined;
  readonly preferredNodeTerms: readonly PreferredNodeTerm[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  readonly spreadConstraints: readonly SpreadConstraint[];
  /** Why the pod's scheduling constraints could not be compiled. */
  readonly parseError: string | undefined;
}

function hostPortsOf(spec: JsonObject): HostPort[] {
  const ports: HostPort[] = [];
  const containers = [...objects(spec.containers), ...objects(spec.initContainers).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const p of objects(c.ports)) {
      if (typeof p.hostPort !== 'number' || p.hostPort <= 0) continue;
      ports.push({ hostIP: str(p.hostIP), protocol: str(p.protocol) || 'TCP', port: p.hostPort });
    }
  }
  return ports;
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

function compileSpread(c: JsonObject, labels: Labels): SpreadConstraint {
  let selector = isObject(c.labelSelector) ? labelSelectorToSelector(c.labelSelector) : null;
  const keys = Array.isArray(c.matchLabelKeys) ? c.matchLabelKeys.filter((k): k is string => typeof k === 'string') : [];
  if (selector !== null && keys.length > 0) {
    const extra = keys.filter((k) => labels[k] !== undefined).map((k) => newRequirement(k, 'in', [labels[k]!]));
    selector = [...selector, ...extra];
  }
  return {
    maxSkew: typeof c.maxSkew === 'number' && c.maxSkew > 0 ? c.maxSkew : 1,
    topologyKey: str(c.topologyKey),
    whenUnsatisfiable: c.whenUnsatisfiable === 'ScheduleAnyway' ? 'ScheduleAnyway' : 'DoNotSchedule',
    selector,
    minDomains: typeof c.minDomains === 'number' && c.minDomains > 0 ? c.minDomains : 1,
    nodeAffinityPolicy: c.nodeAffinityPolicy === 'Ignore' ? 'Ignore' : 'Honor',
    nodeTaintsPolicy: c.nodeTaintsPolicy === 'Honor' ? 'Honor' : 'Ignore',
  };
}

interface Constraints {
  nodeSelector: NodeMatcher | undefined;
  requiredNodeAffinity: NodeMatcher | undefined;
  pinnedNodeNames: ReadonlySet<string> | undefined;
  preferredNodeTerms: PreferredNodeTerm[];
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
  spreadConstraints: SpreadConstraint[];
}

function noConstraints(): Constraints {
  return {
    nodeSelector: undefined,
    requiredNodeAffinity: undefined,
    pinnedNodeNames: undefined,
    preferredNodeTerms: [],
    requiredAffinityTerms: [],
    requiredAntiAffinityTerms: [],
    preferredAffinityTerms: [],
    preferredAntiAffinityTerms: [],
    spreadConstraints: [],
  };
}

/** @throws NodeSelectorError or SelectorParseError */
function compileConstraints(spec: JsonObject, namespace: string, labels: Labels): Constraints {
  const out = noConstraints();
  const nodeSelector = stringMap(spec.nodeSelector);
  if (nodeSelector !== undefined && Object.keys(nodeSelector).length > 0) out.nodeSelector = compileLabelEquality(nodeSelector);
  const affinity = isObject(spec.affinity) ? spec.affinity : {};
  const nodeAffinity = isObject(affinity.nodeAffinity) ? affinity.nodeAffinity : {};
  const required: unknown = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  if (isObject(required)) {
    out.requiredNodeAffinity = compileNodeSelector(required);
    out.pinnedNodeNames = nodeNamesPinnedBy(required);
  }
  out.preferredNodeTerms = objects(nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).map((p) => ({
    weight: typeof p.weight === 'number' ? p.weight : 0,
    matches: compileNodeSelectorTerm(p.preference),
  }));
  const podAffinity = isObject(affinity.podAffinity) ? affinity.podAffinity : {};
  const podAntiAffinity = isObject(affinity.podAntiAffinity) ? affinity.podAntiAffinity : {};
  out.requiredAffinityTerms = objects(podAffinity.requiredDuringSchedulingIgnoredDuringExecution).map((t) => compileAffinityTerm(t, namespace, labels));
  out.requiredAntiAffinityTerms = objects(podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).map((t) => compileAffinityTerm(t, namespace, labels));
  out.preferredAffinityTerms = compileWeightedTerms(podAffinity.preferredDuringSchedulingIgnoredDuringExecution, namespace, labels);
  out.preferredAntiAffinityTerms = compileWeightedTerms(podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution, namespace, labels);
  out.spreadConstraints = objects(spec.topologySpreadConstraints).map((c) => compileSpread(c, labels));
  return out;
}

/** Builds the PodInfo of `pod`; never throws (see the file comment). */
export function newPodInfo(pod: KubeObject): PodInfo {
  const spec: JsonObject = isObject(pod.spec) ? pod.spec : {};
  const status: JsonObject = isObject(pod.status) ? pod.status : {};
  const namespace = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  const labels: Labels = pod.metadata.labels ?? {};
  let constraints: Constraints;
  let parseError: string | undefined;
  try {
    constraints = compileConstraints(spec, namespace, labels);
  } catch (err) {
    constraints = noConstraints();
    parseError = err instanceof Error ? err.message : String(err);
  }
  return {
    pod,
    key: `${namespace}/${name}`,
    namespace,
    name,
    uid: pod.metadata.uid ?? '',
    labels,
    priority: typeof spec.priority === 'number' ? spec.priority : 0,
    nodeName: str(spec.nodeName),
    schedulerName: str(spec.schedulerName),
    nominatedNodeName: str(status.nominatedNodeName),
    terminating: pod.metadata.deletionTimestamp !== undefined,
    schedulingGates: objects(spec.schedulingGates).map((g) => str(g.name)),
    requests: podRequests(spec),
    nonZeroRequests: podNonZeroRequests(spec),
    hostPorts: hostPortsOf(spec),
    tolerations: podTolerations(pod),
    ...constraints,
    parseError,
  };
}

/** Whether the pod has any required or preferred pod (anti-)affinity term. */
export function hasPodAffinity(p: PodInfo): boolean {
  return p.requiredAffinityTerms.length > 0 || p.requiredAntiAffinityTerms.length > 0 || p.preferredAffinityTerms.length > 0 || p.preferredAntiAffinityTerms.length > 0;
}

/** The same PodInfo for a copy of the pod bound to `nodeName` (what the cache assumes). */
export function withNodeName(p: PodInfo, nodeName: string): PodInfo {
  const pod: KubeObject = { ...p.pod, spec: { ...(p.pod.spec ?? {}), nodeName } };
  return { ...p, pod, nodeName };
}
