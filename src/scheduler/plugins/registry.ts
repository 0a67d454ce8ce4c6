/**
 * Every plugin k8ts has, by name (one explicit map, no registration side effects), and the
 * default profile: the plugins the `default-scheduler` runs, in call order, with upstream's
 * default score weights.
 */
import type { PluginFactory } from '../framework/interface.ts';
import type { Profile } from '../framework/framework.ts';
import { DEFAULT_BINDER, newDefaultBinder } from './default-binder.ts';
import { DEFAULT_PREEMPTION, newDefaultPreemption } from './default-preemption.ts';
import { INTER_POD_AFFINITY, newInterPodAffinity } from './inter-pod-affinity.ts';
import { NODE_AFFINITY, newNodeAffinity } from './node-affinity.ts';
import { NODE_NAME, newNodeName } from './node-name.ts';
import { NODE_PORTS, newNodePorts } from './node-ports.ts';
import { NODE_READINESS, newNodeReadiness } from './node-readiness.ts';
import { NODE_RESOURCES_BALANCED_ALLOCATION, newNodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.ts';
import { NODE_RESOURCES_FIT, newNodeResourcesFit } from './node-resources-fit.ts';
import { NODE_RESOURCES_LEAST_ALLOCATED, newNodeResourcesLeastAllocated } from './node-resources-least-allocated.ts';
import { NODE_UNSCHEDULABLE, newNodeUnschedulable } from './node-unschedulable.ts';
import { POD_TOPOLOGY_SPREAD, newPodTopologySpread } from './pod-topology-spread.ts';
import { SCHEDULING_GATES, newSchedulingGates } from './scheduling-gates.ts';
import { TAINT_TOLERATION, newTaintToleration } from './taint-toleration.ts';

/** Plugin name → factory. */
export const PLUGIN_REGISTRY: Readonly<Record<string, PluginFactory>> = {
  [SCHEDULING_GATES]: newSchedulingGates,
  [NODE_UNSCHEDULABLE]: newNodeUnschedulable,
  [NODE_NAME]: newNodeName,
  [TAINT_TOLERATION]: newTaintToleration,
  [NODE_READINESS]: newNodeReadiness,
  [NODE_AFFINITY]: newNodeAffinity,
  [NODE_PORTS]: newNodePorts,
  [NODE_RESOURCES_FIT]: newNodeResourcesFit,
  [POD_TOPOLOGY_SPREAD]: newPodTopologySpread,
  [INTER_POD_AFFINITY]: newInterPodAffinity,
  [NODE_RESOURCES_LEAST_ALLOCATED]: newNodeResourcesLeastAllocated,
  [NODE_RESOURCES_BALANCED_ALLOCATION]: newNodeResourcesBalancedAllocation,
  [DEFAULT_PREEMPTION]: newDefaultPreemption,
  [DEFAULT_BINDER]: newDefaultBinder,
};

/** The name pods ask for in `spec.schedulerName` (the apiserver's default). */
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/**
 * The default profile. Filters run cheapest and most selective first, as upstream orders them;
 * weights are upstream's (TaintToleration 3, NodeAffinity 2, PodTopologySpread 2,
 * InterPodAffinity 2, resource scoring 1 each).
 */
export function defaultProfile(schedulerName = DEFAULT_SCHEDULER_NAME): Profile {
  return {
    schedulerName,
    plugins: [
      { name: SCHEDULING_GATES },
      { name: NODE_UNSCHEDULABLE },
      { name: NODE_NAME },
      { name: TAINT_TOLERATION, weight: 3 },
      { name: NODE_READINESS },
      { name: NODE_AFFINITY, weight: 2 },
      { name: NODE_PORTS },
      { name: NODE_RESOURCES_FIT },
      { name: POD_TOPOLOGY_SPREAD, weight: 2 },
      { name: INTER_POD_AFFINITY, weight: 2 },
      { name: DEFAULT_PREEMPTION },
      { name: NODE_RESOURCES_LEAST_ALLOCATED, weight: 1 },
      { name: NODE_RESOURCES_BALANCED_ALLOCATION, weight: 1 },
      { name: DEFAULT_BINDER },
    ],
  };
}
