/**
 * Controllers: level-triggered reconcilers run by one shared runner, and the controller manager
 * that runs them under leader election (docs/ARCHITECTURE.md lists them).
 *
 * ```ts
 * await runControllerManager(
 *   { clientset, controllers: selectControllers(['*']), leaderElection: { identity: `${node}_${uuid}` } },
 *   signal,
 * );
 * ```
 * @module
 */
export { TerminalError } from './controller.ts';
export type { ControllerContext, ControllerDescriptor, ReconcileResult, Reconciler, Watch } from './controller.ts';
export { runControllerManager, runControllers } from './manager.ts';
export type { ControllerManagerOptions, LeaderElectionConfig } from './manager.ts';
export { namespaceController } from './namespace/namespace-controller.ts';
export { CONTROLLERS, selectControllers } from './registry.ts';
export { ownerKeys, processQueue, runController } from './runner.ts';
export type { RunControllerOptions } from './runner.ts';
export { DEFAULT_CONTROLLER_SETTINGS } from './settings.ts';
export type { ControllerSettings } from './settings.ts';
