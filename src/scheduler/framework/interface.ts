/**
 * The scheduling framework's extension points. A plugin is an object with a `name` that
 * implements the methods of the points it takes part in; the framework calls them in the order
 * the profile lists the plugins. One scheduling attempt of one pod:
 *
 * ```
 * PreEnqueue ─▶ queue ─▶ PreFilter ─▶ Filter (per node) ─┬▶ PreScore ─▶ Score + NormalizeScore ─▶ Reserve ─▶ Bind ─▶ PostBind
 *                                                       └▶ PostFilter (no node fits: preemption)
 * ```
 *
 * Everything up to Reserve is the synchronous *scheduling cycle*: JavaScript runs it to the end
 * without interleaving informer events, so the cluster snapshot cannot change under it. Bind
 * is the asynchronous *binding cycle*; several run at once while the next pods are scheduled.
 *
 * Legal results per point (null is success; see status.ts for what each code does):
 * - PreEnqueue: null, or Unschedulable(AndUnresolvable) to keep the pod out of the active
 *   queue until it changes (scheduling gates).
 * - PreFilter: null, a PreFilterResult narrowing the candidate nodes, Skip (this plugin's Filter
 *   is not called this cycle), Unschedulable(AndUnresolvable) (no node can fit; Filter is not
 *   run at all), or Error.
 * - Filter: null, Unschedulable (may fit after changes or preemption), UnschedulableAndUnresolvable
 *   (preemption on this node cannot help), or Error. The first non-null result for a node wins.
 * - PostFilter: a nominated node (preemption made room there) or a status whose reasons explain
 *   why nothing could be done; it never makes the pod schedulable in this cycle.
 * - PreScore: null, Skip (this plugin's Score is not called this cycle), or Error.
 * - Score: an integer; NormalizeScore then maps the plugin's scores into 0..MAX_NODE_SCORE.
 * - Reserve: null or a rejection (the pod is unreserved and retried); Unreserve cannot fail.
 * - Bind: null, Skip (not this binder's pod: try the next), or Error/rejection (the pod is
 *   forgotten and retried with backoff).
 */
import type { Clientset, Clock, Logger } from '../../client/index.ts';
import type { EventRecorder } from '../../client/index.ts';
import type { NamespaceLabels } from './affinity-term.ts';
import type { ClusterEvent } from './cluster-event.ts';
import type { CycleState } from './cycle-state.ts';
import type { NodeInfo } from './node-info.ts';
import type { PodInfo } from './pod-info.ts';
import type { PluginResult, Status } from './status.ts';

/** The highest score a node can get from one plugin after normalization. */
export const MAX_NODE_SCORE = 100;

/** The nodes of one scheduling cycle (the scheduler cache, read while nothing can change it). */
export interface Snapshot {
  /** Nodes with a Node object, in visiting order (zones interleaved). */
  list(): readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** Nodes with at least one pod that has a pod (anti-)affinity term. */
  havePodsWithAffinity(): readonly NodeInfo[];
  /** Nodes with at least one pod that has a required anti-affinity term. */
  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[];
}

/** Pods that preemption nominated to nodes: their room is kept for them. */
export interface Nominator {
  /** Whether any pod is nominated anywhere (lets the per-node check be skipped). */
  hasNominatedPods(): boolean;
  /** Pods nominated to `nodeName`, not yet bound. */
  nominatedPodsFor(nodeName: string): readonly PodInfo[];
}

/** What plugins may use besides their arguments. */
export interface FrameworkHandle {
  readonly snapshot: Snapshot;
  readonly nominator: Nominator;
  readonly namespaceLabels: NamespaceLabels;
  /** For plugins that write (binder, preemption); absent in what-if runs such as benchmarks. */
  readonly clientset: Clientset | undefined;
  readonly events: EventRecorder | undefined;
  /** False once this scheduler may no longer act (leadership lost): no more writes. */
  mayAct(): boolean;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** A PreFilter result that narrows the nodes to evaluate (e.g. node affinity pinned to names). */
export interface PreFilterResult {
  readonly nodeNames: ReadonlySet<string>;
}

/** What a plugin is: a name, plus the cluster events after which pods it rejected may fit. */
export interface Plugin {
  readonly name: string;
  /** Omitted: every event. */
  readonly events?: readonly ClusterEvent[];
}

export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: PodInfo): PluginResult;
}

/** Updates a plugin's PreFilter state as if a pod were added to or removed from a node. */
export interface PreFilterExtensions {
  addPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): PluginResult;
  removePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): PluginResult;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo): PluginResult | PreFilterResult;
  /** Needed by plugins whose PreFilter state counts pods (preemption and nominated pods change it). */
  readonly preFilterExtensions?: PreFilterExtensions;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): PluginResult;
}

/** PostFilter's answer: a node to nominate, and/or the reasons nothing was done. */
export interface PostFilterResult {
  readonly nominatedNodeName?: string;
  readonly status: Status | null;
}

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, nodeStatuses: ReadonlyMap<string, Status>, signal: AbortSignal): Promise<PostFilterResult>;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PluginResult;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rewrites `scores` (parallel to `nodes`) into 0..MAX_NODE_SCORE. */
  normalizeScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], scores: number[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): PluginResult;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: PodInfo, nodeName: string, signal: AbortSignal): Promise<PluginResult>;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** What plugins that re-run other plugins (preemption's what-ifs) may call on their framework. */
export interface FrameworkRunner {
  runFilterWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null;
  runPreFilterAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | null;
  runPreFilterRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | null;
}

/** Builds a plugin for one framework (`framework` may only be called once construction is over). */
export type PluginFactory = (handle: FrameworkHandle, framework: FrameworkRunner) => Plugin;
