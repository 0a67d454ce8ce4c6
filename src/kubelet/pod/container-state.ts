/**
 * What the kubelet knows about each container of a pod, independent of the runtime: whether an
 * instance runs, how the last ones ended, why it waits, and what its probes say. Pod status is
 * computed from this (pod-status.ts); the pod worker updates it as containers start, exit and
 * get probed.
 */

/** How one container instance ended. */
export interface ContainerExit {
  readonly exitCode: number;
  /** `Completed` (exit 0), `Error`, `StartError` (never started), `ContainerStatusUnknown`. */
  readonly reason: string;
  readonly message?: string;
  /** RFC 3339; empty for an instance that never started. */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly containerID: string;
}

/** Why a container has no running instance now, when it is not simply finished. */
export interface WaitingReason {
  /** e.g. `ContainerCreating`, `PodInitializing`, `CrashLoopBackOff`, `CommandRequired`, `CreateContainerConfigError`. */
  readonly reason: string;
  readonly message?: string;
}

/** The kubelet's record of one container (regular or init) of a pod. */
export interface ContainerState {
  readonly name: string;
  /** Instances started after the first. */
  restartCount: number;
  /** The running instance, if any. */
  running: { readonly containerID: string; readonly startedAt: string } | undefined;
  /** The most recent finished instance. */
  lastExit: ContainerExit | undefined;
  /** The one finished before `lastExit` (shown as lastState while `lastExit` is the state). */
  previousExit: ContainerExit | undefined;
  /** Set while the container waits to (re)start; cleared when an instance starts. */
  waiting: WaitingReason | undefined;
  /** The readiness probe's verdict on the running instance (true without a readiness probe once started). */
  ready: boolean;
  /** The startup probe passed (true without a startup probe once running). */
  started: boolean;
}

export function newContainerState(name: string): ContainerState {
  return { name, restartCount: 0, running: undefined, lastExit: undefined, previousExit: undefined, waiting: undefined, ready: false, started: false };
}

/** The reason a finished instance gets from its exit code. */
export function exitReason(exitCode: number): 'Completed' | 'Error' {
  return exitCode === 0 ? 'Completed' : 'Error';
}

/** Records that the running instance ended with `exit`. */
export function recordExit(state: ContainerState, exit: ContainerExit): void {
  state.previousExit = state.lastExit;
  state.lastExit = exit;
  state.running = undefined;
  state.ready = false;
  state.started = false;
}

/** Records that a new instance started (a restart when one ran before). */
export function recordStart(state: ContainerState, containerID: string, startedAt: string): void {
  if (state.lastExit !== undefined) state.restartCount++;
  state.running = { containerID, startedAt };
  state.waiting = undefined;
  state.ready = false;
  state.started = false;
}
