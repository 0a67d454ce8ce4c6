/**
 * Cluster changes that can make an unschedulable pod schedulable. Each plugin names the events
 * after which a pod it rejected is worth retrying (`Plugin.events`); the queue moves a pod back
 * to the active queue only on an event one of its rejecting plugins names, so a pod rejected for
 * `Insufficient cpu` is retried when a pod is deleted or a node added, not on every label change.
 */
export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeDelete'
  | 'NodeLabelChange'
  | 'NodeTaintChange'
  | 'NodeAllocatableChange'
  | 'NodeConditionChange'
  | 'NodeSpecUnschedulableChange'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete'
  | 'NamespaceChange'
  /** A pod waited in the unschedulable set longer than the flush interval. */
  | 'UnschedulableTimeout';

/** Every node event: what a plugin that only looks at Node objects lists. */
export const NODE_EVENTS: readonly ClusterEvent[] = [
  'NodeAdd',
  'NodeLabelChange',
  'NodeTaintChange',
  'NodeAllocatableChange',
  'NodeConditionChange',
  'NodeSpecUnschedulableChange',
];
