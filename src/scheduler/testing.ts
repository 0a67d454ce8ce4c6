/**
 * Builders for the scheduler's unit tests (and its benchmark): Node and Pod objects with the
 * fields the plugins read, a framework handle over a SchedulerCache, and a one-call way to run
 * one pod through the algorithm.
 */
import type { KubeObject } from '../api/meta/types.ts';
import { realClock, silentLogger } from '../client/index.ts';
import { SchedulerCache } from './cache/scheduler-cache.ts';
import { CycleState } from './framework/cycle-state.ts';
import { Framework, type Profile } from './framework/framework.ts';
import type { FrameworkHandle, FrameworkRunner, Nominator, PluginFactory } from './framework/interface.ts';
import type { NodeInfo } from './framework/node-info.ts';
import type { PodInfo } from './framework/pod-info.ts';
import { newPodInfo } from './framework/pod-info.ts';
import { defaultProfile, PLUGIN_REGISTRY } from './plugins/registry.ts';
import { SchedulingAlgorithm, type ScheduleOutcome } from './schedule-pod.ts';

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: number;
  ephemeralStorage?: string;
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  unschedulable?: boolean;
  /** @default 'True' */
  ready?: 'True' | 'False' | 'Unknown' | 'none';
}

/** A Node with allocatable resources, the hostname label, and a Ready condition. */
export function makeNode(name: string, s: NodeSpec = {}): KubeObject {
  const allocatable: Record<string, string> = {
    cpu: s.cpu ?? '4',
    memory: s.memory ?? '8Gi',
    pods: String(s.pods ?? 110),
    'ephemeral-storage': s.ephemeralStorage ?? '100Gi',
    ...s.extra,
  };
  const ready = s.ready ?? 'True';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...s.labels } },
    spec: { ...(s.taints === undefined ? {} : { taints: s.taints }), ...(s.unschedulable === true ? { unschedulable: true } : {}) },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: ready === 'none' ? [] : [{ type: 'Ready', status: ready }],
    },
  };
}

export interface PodSpecInput {
  namespace?: string;
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  nodeName?: string;
  priority?: number;
  /** Merged into spec (nodeSelector, affinity, tolerations, topologySpreadConstraints, ...). */
  spec?: Record<string, unknown>;
  hostPorts?: number[];
}

let uidCounter = 0;

/** A Pod with one container requesting `cpu`/`memory` (nothing when unset). */
export function makePod(name: string, s: PodSpecInput = {}): KubeObject {
  const requests: Record<string, string> = {};
  if (s.cpu !== undefined) requests.cpu = s.cpu;
  if (s.memory !== undefined) requests.memory = s.memory;
  const container: Record<string, unknown> = { name: 'c', image: 'img', resources: { requests } };
  if (s.hostPorts !== undefined) container.ports = s.hostPorts.map((p) => ({ containerPort: p, hostPort: p, protocol: 'TCP' }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: s.namespace ?? 'default', uid: `uid-${name}-${uidCounter++}`, labels: s.labels ?? {} },
    spec: {
      schedulerName: 'default-scheduler',
      containers: [container],
      ...(s.nodeName === undefined ? {} : { nodeName: s.nodeName }),
      ...(s.priority === undefined ? {} : { priority: s.priority }),
      ...s.spec,
    },
    status: { phase: 'Pending' },
  };
}

/** A handle over `cache` with no API client (plugins that write are not exercised). */
export function testHandle(cache: SchedulerCache, overrides: Partial<FrameworkHandle> = {}): FrameworkHandle {
  const nominator: Nominator = { hasNominatedPods: () => false, nominatedPodsFor: () => [] };
  return {
    snapshot: cache,
    nominator,
    namespaceLabels: () => undefined,
    clientset: undefined,
    events: undefined,
    mayAct: () => true,
    clock: realClock,
    logger: silentLogger,
    ...overrides,
  };
}

/** A FrameworkRunner for plugins that never call it in these tests. */
const NO_RUNNER: FrameworkRunner = {
  runFilterWithNominatedPods: () => null,
  runPreFilterAddPod: () => null,
  runPreFilterRemovePod: () => null,
};

/** A cache holding `nodes`, and `pods` bound to them (each pod must have nodeName). */
export function cacheWith(nodes: readonly KubeObject[], pods: readonly KubeObject[] = []): SchedulerCache {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.setNode(n);
  for (const p of pods) cache.addPod(newPodInfo(p));
  return cache;
}

/** Runs one plugin's PreFilter (if any) and Filter on every node; returns node name → reasons ('' = fits). */
export function filterAll(factory: PluginFactory, cache: SchedulerCache, pod: KubeObject): Record<string, string> {
  const plugin = factory(testHandle(cache), NO_RUNNER) as unknown as Record<string, unknown> & { name: string };
  const info = newPodInfo(pod);
  const state = new CycleState();
  const out: Record<string, string> = {};
  if (typeof plugin.preFilter === 'function') {
    const r = (plugin.preFilter as (s: CycleState, p: PodInfo) => { code?: string; reasons?: string[] } | null)(state, info);
    if (r !== null && r.code === 'Skip') {
      for (const n of cache.list()) out[n.name] = '';
      return out;
    }
    if (r !== null && r.code !== undefined) {
      for (const n of cache.list()) out[n.name] = `prefilter: ${(r.reasons ?? []).join(', ')}`;
      return out;
    }
  }
  const filter = plugin.filter as (s: CycleState, p: PodInfo, n: NodeInfo) => { reasons: string[] } | null;
  for (const n of cache.list()) out[n.name] = filter(state, info, n)?.reasons.join(', ') ?? '';
  return out;
}

/** Runs one score plugin (PreScore, Score, NormalizeScore) over every node; returns node name → score. */
export function scoreAll(factory: PluginFactory, cache: SchedulerCache, pod: KubeObject): Record<string, number> {
  const plugin = factory(testHandle(cache), NO_RUNNER) as unknown as Record<string, unknown> & { name: string };
  const info = newPodInfo(pod);
  const state = new CycleState();
  const nodes = cache.list();
  if (typeof plugin.preFilter === 'function') (plugin.preFilter as (s: CycleState, p: PodInfo) => unknown)(state, info);
  if (typeof plugin.preScore === 'function') {
    const r = (plugin.preScore as (s: CycleState, p: PodInfo, n: readonly NodeInfo[]) => { code: string } | null)(state, info, nodes);
    if (r !== null && r.code === 'Skip') return Object.fromEntries(nodes.map((n) => [n.name, 0]));
  }
  const score = plugin.score as (s: CycleState, p: PodInfo, n: NodeInfo) => number;
  const scores = nodes.map((n) => score(state, info, n));
  if (typeof plugin.normalizeScore === 'function') {
    (plugin.normalizeScore as (s: CycleState, p: PodInfo, n: readonly NodeInfo[], sc: number[]) => void)(state, info, nodes, scores);
  }
  return Object.fromEntries(nodes.map((n, i) => [n.name, scores[i]!]));
}

/** The default framework and algorithm over `cache`. */
export function defaultAlgorithm(cache: SchedulerCache, opts: { profile?: Profile; percentageOfNodesToScore?: number; random?: () => number } = {}): {
  framework: Framework;
  algorithm: SchedulingAlgorithm;
  schedule: (pod: KubeObject) => ScheduleOutcome;
} {
  const framework = new Framework(opts.profile ?? defaultProfile(), PLUGIN_REGISTRY, testHandle(cache));
  const algorithm = new SchedulingAlgorithm(framework, cache, {
    percentageOfNodesToScore: opts.percentageOfNodesToScore ?? 0,
    random: opts.random ?? (() => 0.5),
  });
  return { framework, algorithm, schedule: (pod) => algorithm.schedule(new CycleState(), newPodInfo(pod)) };
}
