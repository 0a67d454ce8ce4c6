/**
 * One scheduling profile's plugins, and the code that calls them at each extension point
 * (interface.ts documents the points and their legal results). Plugins are created from an
 * explicit registry by name, in the order the profile lists them, which is the order the
 * framework calls them in.
 */
import type { ClusterEvent } from './cluster-event.ts';
import type { CycleState } from './cycle-state.ts';
import type {
  BindPlugin,
  FilterPlugin,
  FrameworkHandle,
  FrameworkRunner,
  Plugin,
  PluginFactory,
  PostBindPlugin,
  PostFilterPlugin,
  PostFilterResult,
  PreEnqueuePlugin,
  PreFilterPlugin,
  PreFilterResult,
  PreScorePlugin,
  ReservePlugin,
  ScorePlugin,
} from './interface.ts';
import type { NodeInfo } from './node-info.ts';
import type { PodInfo } from './pod-info.ts';
import type { Status } from './status.ts';
import { errorStatus, unresolvable } from './status.ts';

/** A plugin enabled in a profile; `weight` multiplies its normalized scores. */
export interface ProfilePlugin {
  readonly name: string;
  /** @default 1 */
  readonly weight?: number;
}

/** A scheduler profile: the pods it schedules (by `spec.schedulerName`) and its plugins, in call order. */
export interface Profile {
  readonly schedulerName: string;
  readonly plugins: readonly ProfilePlugin[];
}

/** What PreFilter decided: a rejection, and/or the only nodes worth evaluating. */
export interface PreFilterOutcome {
  readonly status: Status | null;
  readonly nodeNames: ReadonlySet<string> | undefined;
  /** The plugins that narrowed `nodeNames`, for the message about the nodes they ruled out. */
  readonly narrowedBy: readonly string[];
}

function isPreFilterResult(r: Status | PreFilterResult | null): r is PreFilterResult {
  return r !== null && 'nodeNames' in r;
}

function intersect(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): ReadonlySet<string> {
  if (a === undefined) return b;
  return new Set([...a].filter((n) => b.has(n)));
}

function tag(status: Status, plugin: string): Status {
  if (!Object.isFrozen(status)) status.plugin = plugin;
  return status;
}

/** The plugins of one profile, by extension point; see the file comment. */
export class Framework implements FrameworkRunner {
  readonly schedulerName: string;
  readonly plugins: readonly Plugin[];
  readonly #preEnqueue: PreEnqueuePlugin[] = [];
  readonly #preFilter: PreFilterPlugin[] = [];
  readonly #filter: FilterPlugin[] = [];
  readonly #postFilter: PostFilterPlugin[] = [];
  readonly #preScore: PreScorePlugin[] = [];
  readonly #score: Array<{ plugin: ScorePlugin; weight: number }> = [];
  readonly #reserve: ReservePlugin[] = [];
  readonly #bind: BindPlugin[] = [];
  readonly #postBind: PostBindPlugin[] = [];
  readonly #handle: FrameworkHandle;

  /** @throws Error naming a plugin the registry does not know, or a profile without a binder */
  constructor(profile: Profile, registry: Readonly<Record<string, PluginFactory>>, handle: FrameworkHandle) {
    this.schedulerName = profile.schedulerName;
    this.#handle = handle;
    const plugins: Plugin[] = [];
    for (const entry of profile.plugins) {
      const factory = registry[entry.name];
      if (factory === undefined) {
        throw new Error(`Cannot create scheduler profile "${profile.schedulerName}": unknown plugin "${entry.name}"; known plugins are ${Object.keys(registry).join(', ')}`);
      }
      const p = factory(handle, this) as Plugin & Record<string, unknown>;
      plugins.push(p);
      if (typeof p.preEnqueue === 'function') this.#preEnqueue.push(p as unknown as PreEnqueuePlugin);
      if (typeof p.preFilter === 'function') this.#preFilter.push(p as unknown as PreFilterPlugin);
      if (typeof p.filter === 'function') this.#filter.push(p as unknown as FilterPlugin);
      if (typeof p.postFilter === 'function') this.#postFilter.push(p as unknown as PostFilterPlugin);
      if (typeof p.preScore === 'function') this.#preScore.push(p as unknown as PreScorePlugin);
      if (typeof p.score === 'function') this.#score.push({ plugin: p as unknown as ScorePlugin, weight: entry.weight ?? 1 });
      if (typeof p.reserve === 'function') this.#reserve.push(p as unknown as ReservePlugin);
      if (typeof p.bind === 'function') this.#bind.push(p as unknown as BindPlugin);
      if (typeof p.postBind === 'function') this.#postBind.push(p as unknown as PostBindPlugin);
    }
    if (this.#bind.length === 0) throw new Error(`Cannot create scheduler profile "${profile.schedulerName}": it has no bind plugin`);
    this.plugins = plugins;
  }

  get handle(): FrameworkHandle {
    return this.#handle;
  }

  /** Whether a PostFilter plugin (preemption) is enabled. */
  get hasPostFilter(): boolean {
    return this.#postFilter.length > 0;
  }

  /** The names of plugins interested in `event` (plugins that list no events are interested in all). */
  pluginsInterestedIn(event: ClusterEvent): Set<string> {
    return new Set(this.plugins.filter((p) => p.events === undefined || p.events.includes(event)).map((p) => p.name));
  }

  runPreEnqueue(pod: PodInfo): Status | null {
    for (const p of this.#preEnqueue) {
      const s = p.preEnqueue(pod);
      if (s !== null) return tag(s, p.name);
    }
    return null;
  }

  /** Runs every PreFilter; a Skip marks the plugin's Filter as skipped for this cycle. */
  runPreFilter(state: CycleState, pod: PodInfo): PreFilterOutcome {
    let nodeNames: ReadonlySet<string> | undefined;
    const narrowedBy: string[] = [];
    for (const p of this.#preFilter) {
      const r = p.preFilter(state, pod);
      if (r === null) continue;
      if (isPreFilterResult(r)) {
        nodeNames = intersect(nodeNames, r.nodeNames);
        narrowedBy.push(p.name);
        if (nodeNames.size === 0) {
          const which = narrowedBy.length === 1 ? `plugin ${narrowedBy[0]}` : `plugin(s) [${narrowedBy.join(' ')}] simultaneously`;
          return { status: tag(unresolvable(`node(s) didn't satisfy ${which}`), p.name), nodeNames, narrowedBy };
        }
        continue;
      }
      if (r.code === 'Skip') {
        state.skipFilterPlugins.add(p.name);
        continue;
      }
      return { status: tag({ ...r }, p.name), nodeNames, narrowedBy };
    }
    state.filters = state.skipFilterPlugins.size === 0 ? this.#filter : this.#filter.filter((p) => !state.skipFilterPlugins.has(p.name));
    return { status: null, nodeNames, narrowedBy };
  }

  /** Tells PreFilter states that `podToAdd` joins `node` (a nominated pod, or a preemption victim kept). */
  runPreFilterAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | null {
    for (const p of this.#preFilter) {
      if (state.skipFilterPlugins.has(p.name) || p.preFilterExtensions === undefined) continue;
      const s = p.preFilterExtensions.addPod(state, pod, podToAdd, node);
      if (s !== null) return tag(s, p.name);
    }
    return null;
  }

  /** Tells PreFilter states that `podToRemove` leaves `node` (a preemption victim). */
  runPreFilterRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | null {
    for (const p of this.#preFilter) {
      if (state.skipFilterPlugins.has(p.name) || p.preFilterExtensions === undefined) continue;
      const s = p.preFilterExtensions.removePod(state, pod, podToRemove, node);
      if (s !== null) return tag(s, p.name);
    }
    return null;
  }

  /** Runs the Filters on one node; the first rejection wins. */
  runFilter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const filters = state.filters ?? this.#filter.filter((p) => !state.skipFilterPlugins.has(p.name));
    for (let i = 0; i < filters.length; i++) {
      const p = filters[i]!;
      const s = p.filter(state, pod, node);
      if (s !== null) return tag(s, p.name);
    }
    return null;
  }

  /**
   * Runs the Filters on `node` as if the pods nominated to it with at least this pod's
   * priority were already there (their room is kept for them); when that passes, runs them
   * again without those pods, since a nominated pod may never come and some filters (pod
   * affinity) could depend on its presence.
   */
  runFilterWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    if (!this.#handle.nominator.hasNominatedPods()) return this.runFilter(state, pod, node);
    const nominated = this.#handle.nominator.nominatedPodsFor(node.name);
    if (nominated.length === 0) return this.runFilter(state, pod, node);
    const higher = nominated.filter((n) => n.uid !== pod.uid && n.priority >= pod.priority);
    if (higher.length === 0) return this.runFilter(state, pod, node);
    const withNominated = node.clone();
    const stateWith = state.clone();
    for (const n of higher) {
      withNominated.addPod({ ...n, nodeName: node.name });
      const s = this.runPreFilterAddPod(stateWith, pod, n, withNominated);
      if (s !== null) return s;
    }
    const first = this.runFilter(stateWith, pod, withNominated);
    if (first !== null) return first;
    return this.runFilter(state, pod, node);
  }

  /** Runs PostFilter plugins until one nominates a node; returns the last result otherwise. */
  async runPostFilter(state: CycleState, pod: PodInfo, nodeStatuses: ReadonlyMap<string, Status>, signal: AbortSignal): Promise<PostFilterResult> {
    let last: PostFilterResult = { status: null };
    for (const p of this.#postFilter) {
      try {
        last = await p.postFilter(state, pod, nodeStatuses, signal);
      } catch (err) {
        last = { status: tag(errorStatus(`running PostFilter plugin ${p.name}: ${err instanceof Error ? err.message : String(err)}`), p.name) };
      }
      if (last.status !== null) tag(last.status, p.name);
      if (last.nominatedNodeName !== undefined && last.nominatedNodeName !== '') return last;
    }
    return last;
  }

  /** Runs every PreScore; a Skip marks the plugin's Score as skipped. Returns the first Error. */
  runPreScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null {
    for (const p of this.#preScore) {
      const s = p.preScore(state, pod, nodes);
      if (s === null) continue;
      if (s.code === 'Skip') state.skipScorePlugins.add(p.name);
      else return tag({ ...s }, p.name);
    }
    return null;
  }

  /**
   * Scores `nodes`: each plugin's raw scores, normalized into 0..MAX_NODE_SCORE, times its
   * weight, summed per node. Returns the totals, parallel to `nodes`.
   */
  runScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    const scores = new Array<number>(nodes.length);
    for (const { plugin, weight } of this.#score) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      for (let i = 0; i < nodes.length; i++) scores[i] = plugin.score(state, pod, nodes[i]!);
      plugin.normalizeScore?.(state, pod, nodes, scores);
      for (let i = 0; i < nodes.length; i++) totals[i]! += scores[i]! * weight;
    }
    return totals;
  }

  /** Runs Reserve plugins; on a failure unreserves all of them and returns it. */
  runReserve(state: CycleState, pod: PodInfo, nodeName: string): Status | null {
    for (const p of this.#reserve) {
      const s = p.reserve(state, pod, nodeName);
      if (s !== null) {
        this.runUnreserve(state, pod, nodeName);
        return tag(s, p.name);
      }
    }
    return null;
  }

  /** Runs Unreserve in reverse order. */
  runUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const p of [...this.#reserve].reverse()) {
      try {
        p.unreserve(state, pod, nodeName);
      } catch (err) {
        this.#handle.logger.error('unreserve failed', { plugin: p.name, pod: pod.key, error: err });
      }
    }
  }

  /** Runs Bind plugins until one does not Skip. */
  async runBind(state: CycleState, pod: PodInfo, nodeName: string, signal: AbortSignal): Promise<Status | null> {
    for (const p of this.#bind) {
      let s: Status | null;
      try {
        s = await p.bind(state, pod, nodeName, signal);
      } catch (err) {
        s = errorStatus(`binding rejected: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (s !== null && s.code === 'Skip') continue;
      return s === null ? null : tag(s, p.name);
    }
    return errorStatus('no bind plugin bound the pod');
  }

  runPostBind(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const p of this.#postBind) p.postBind(state, pod, nodeName);
  }

}
