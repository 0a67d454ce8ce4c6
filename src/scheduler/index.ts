/**
 * The scheduler (kube-scheduler): assigns pending pods to nodes through a plugin framework,
 * binds them with `pods/binding`, and explains the pods it cannot place.
 *
 * ```ts
 * await runScheduler({ clientset, leaderElection: { identity: `${host}_${uuid}` } }, signal);
 * ```
 *
 * - framework/: extension points (interface.ts), the per-pod and per-node views (PodInfo,
 *   NodeInfo), the Framework that calls plugins, and the failure message (fit-error.ts).
 * - plugins/: one file per plugin; registry.ts maps names to factories and holds the default profile.
 * - queue/: the scheduling queue (active, backoff, unschedulable).
 * - cache/: nodes and bound or assumed pods.
 * - schedule-pod.ts: the algorithm for one pod; scheduler.ts: the loop, binding, failures;
 *   informer-handlers.ts: informer events into cache, queue and cluster events;
 *   run-scheduler.ts: leader election.
 * @module
 */
export { SchedulerCache } from './cache/scheduler-cache.ts';
export { CycleState } from './framework/cycle-state.ts';
export { Framework } from './framework/framework.ts';
export type { Profile, ProfilePlugin } from './framework/framework.ts';
export { newPodInfo } from './framework/pod-info.ts';
export type { PodInfo } from './framework/pod-info.ts';
export { DEFAULT_SCHEDULER_NAME, defaultProfile, PLUGIN_REGISTRY } from './plugins/registry.ts';
export { runScheduler } from './run-scheduler.ts';
export type { RunSchedulerOptions, SchedulerLeaderElection } from './run-scheduler.ts';
export { numFeasibleNodesToFind, SchedulingAlgorithm } from './schedule-pod.ts';
export type { ScheduleOutcome, SchedulingAlgorithmOptions } from './schedule-pod.ts';
export { Scheduler } from './scheduler.ts';
export type { SchedulerOptions, SchedulerStats } from './scheduler.ts';
