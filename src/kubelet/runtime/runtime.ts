/**
 * The container runtime as the pod worker sees it: set up a pod's sandbox, start container
 * instances and learn when they end, stop them, run commands inside them (exec, probes), and
 * keep each pod's container history across kubelet restarts. `process-runtime.ts` implements it
 * with host processes; tests use a fake. (Simulated nodes do not run pod workers at all, see
 * sim/, so they need no runtime.)
 */
import type { Pod } from '../api-types.ts';
import type { ContainerExit, ContainerState } from '../pod/container-state.ts';

/** A started container instance. */
export interface ContainerHandle {
  readonly containerID: string;
  /** RFC 3339. */
  readonly startedAt: string;
  /** The environment and working directory it was started with (exec and probes reuse them). */
  readonly env: ReadonlyMap<string, string>;
  readonly workingDir: string;
  /** Where its output goes. */
  readonly logPath: string;
  /** Resolves once the instance and every process it started are gone. */
  readonly exited: Promise<ContainerExit>;
  /**
   * Asks the instance to stop (SIGTERM to all its processes) and kills what is left after
   * `graceMs` (SIGKILL); resolves with its exit. Safe to call more than once.
   */
  stop(graceMs: number): Promise<ContainerExit>;
}

/** What starting one instance takes. */
export interface StartRequest {
  readonly name: string;
  /** The instance number (= restart count once started); names its log file. */
  readonly instance: number;
  /** The expanded command and args; never empty. */
  readonly argv: readonly string[];
  readonly env: ReadonlyMap<string, string>;
  /** Already mapped onto real paths; the runtime's default when undefined. */
  readonly workingDir: string | undefined;
}

/** Why an instance could not be started; recorded as exit code 128, reason StartError. */
export class StartError extends Error {
  override name = 'StartError';
}

/** A pod's sandbox: what containers of the pod share. */
export interface PodSandbox {
  /** Real path of each volume, by volume name. */
  readonly volumePaths: ReadonlyMap<string, string>;
  /** Variables every container of the pod gets in the base layer of its environment. */
  readonly baseEnv: ReadonlyMap<string, string>;
}

/** A container's history as persisted across kubelet restarts. */
export interface SavedContainer {
  readonly name: string;
  readonly init: boolean;
  readonly state: Pick<ContainerState, 'restartCount' | 'lastExit' | 'previousExit'>;
}

/** What a restarted kubelet finds of a pod it ran before. */
export interface RecoveredPod {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly podIP: string;
  readonly containers: readonly SavedContainer[];
  /** Instances still running (adopted), by container name. */
  readonly running: ReadonlyMap<string, ContainerHandle>;
  /** Instances that ended while the kubelet was away, by container name. */
  readonly exitedWhileAway: ReadonlyMap<string, ContainerExit>;
}

/**
 * A process started inside a container's context by exec. Its streams never emit an 'error'
 * that needs handling: once the process stops reading stdin (it closed it, or exited), stdin is
 * no longer `writable` and what is still written to it is dropped.
 */
export interface ExecProcess {
  readonly stdin: NodeJS.WritableStream | null;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  /** Resolves with the exit code (128 + signal number when killed by a signal). */
  readonly exited: Promise<number>;
  /** Kills the process and everything it started. */
  kill(): void;
}

export interface ExecOptions {
  readonly stdin: boolean;
  readonly tty: boolean;
  /** Kills the process after this long (probes), ms. */
  readonly timeoutMs?: number;
}

export interface ContainerRuntime {
  /** `process://<version>` or the like, for node.status.nodeInfo.containerRuntimeVersion. */
  readonly version: string;
  /** Creates the pod's directory and sets up (or refreshes) its volumes. @throws VolumeSetupError */
  preparePod(pod: Pod, podIP: string): Promise<PodSandbox>;
  /** Starts one instance. @throws StartError when it cannot start at all */
  startContainer(pod: Pod, request: StartRequest): Promise<ContainerHandle>;
  /** Persists the containers' history of pod `uid` (so a restarted kubelet continues it). */
  saveContainers(pod: Pod, podIP: string, containers: readonly SavedContainer[]): Promise<void>;
  /** Every pod found on disk from an earlier run, with adopted running instances. */
  recoverPods(): Promise<RecoveredPod[]>;
  /** Runs `argv` in the context (env, working dir) of a running instance. */
  exec(handle: ContainerHandle, argv: readonly string[], options: ExecOptions): ExecProcess;
  /** The log file of instance `instance` of container `name` of pod `uid`. */
  logPath(uid: string, name: string, instance: number): string;
  /** Kills whatever is left of pod `uid` and removes its directory. */
  removePod(uid: string): Promise<void>;
}
