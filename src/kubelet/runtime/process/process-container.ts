/**
 * One container instance of the process runtime: a process group led by a tiny `sh` shim
 *
 *   sh -c 'f=$1; shift; trap : TERM INT HUP; "$@"; c=$?; echo $c > "$f"; exit $c' k8ts-container <exit-file> <argv...>
 *
 * The shim runs the container's command in the foreground and, when it ends, writes its exit
 * status (128 + signal number for a signal, as a container runtime reports it) to the exit file.
 * Its trap makes it outlive a SIGTERM aimed at the group, so the status is written even then,
 * while the command itself gets the default signal handling. The exit file is what lets a
 * restarted kubelet learn how an instance it did not start ended.
 *
 * The instance has ended once its leader exited; whatever else is left in the group is then
 * killed, as a container's processes die with its main process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { ContainerExit } from '../../pod/container-state.ts';
import { exitReason } from '../../pod/container-state.ts';
import type { ContainerHandle } from '../runtime.ts';
import { exitCodeForSignal, groupHasProcesses, isSameProcessAlive, signalGroup, waitUntilShimReady } from './process-group.ts';
import type { RunRecord } from './pod-layout.ts';

export const SHIM_SCRIPT = 'f=$1; shift; trap : TERM INT HUP; "$@"; c=$?; echo $c > "$f"; exit $c';
/** The shim's `$0`, which `ps` shows: `sh -c … k8ts-container <exit-file> <command>`. */
export const SHIM_NAME = 'k8ts-container';

/** How often an adopted instance (not our child) is checked for having exited, ms. */
const ADOPTED_POLL_MS = 500;
/** How long a stop waits for a just-started shim to become ready before signalling anyway, ms. */
const SHIM_READY_WAIT_MS = 2000;
/** How long leftover processes of an ended instance get to disappear after SIGKILL, ms. */
const REAP_WAIT_MS = 2000;

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function waitGroupGone(pgid: number): Promise<void> {
  const deadline = Date.now() + REAP_WAIT_MS;
  while (groupHasProcesses(pgid) && Date.now() < deadline) {
    signalGroup(pgid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function readExitFile(path: string): Promise<number | undefined> {
  try {
    const code = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The shared part of spawned and adopted instances: stop() and the end-of-instance cleanup. */
class ProcessContainer implements ContainerHandle {
  readonly containerID: string;
  readonly startedAt: string;
  readonly env: ReadonlyMap<string, string>;
  readonly workingDir: string;
  readonly logPath: string;
  readonly pid: number;
  readonly exited: Promise<ContainerExit>;
  #stopRequested: NodeJS.Signals | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  #killAt = Number.POSITIVE_INFINITY;
  #ready: Promise<void> | undefined;
  #done = false;

  constructor(record: RunRecord, waitForLeader: (self: ProcessContainer) => Promise<number | undefined>, onEnded: () => Promise<void>) {
    this.containerID = record.containerID;
    this.startedAt = record.startedAt;
    this.env = new Map(Object.entries(record.env));
    this.workingDir = record.workingDir;
    this.logPath = record.logPath;
    this.pid = record.pid;
    this.exited = this.#watch(record, waitForLeader, onEnded);
  }

  async #watch(record: RunRecord, waitForLeader: (self: ProcessContainer) => Promise<number | undefined>, onEnded: () => Promise<void>): Promise<ContainerExit> {
    let code = await waitForLeader(this);
    code ??= await readExitFile(record.exitFile);
    this.#done = true;
    clearTimeout(this.#killTimer);
    await waitGroupGone(this.pid);
    await onEnded();
    const finishedAt = rfc3339(new Date());
    if (code === undefined) {
      // Killed before the shim could write (SIGKILL of the whole group) with no parent to tell us.
      const killed = this.#stopRequested !== undefined;
      return {
        exitCode: 137,
        reason: killed ? 'Error' : 'ContainerStatusUnknown',
        message: killed ? undefined : 'The container ended while the kubelet was not running, and its exit code could not be found',
        startedAt: this.startedAt,
        finishedAt,
        containerID: this.containerID,
      } satisfies ContainerExit;
    }
    return { exitCode: code, reason: exitReason(code), startedAt: this.startedAt, finishedAt, containerID: this.containerID } satisfies ContainerExit;
  }

  stop(graceMs: number): Promise<ContainerExit> {
    if (this.#done) return this.exited;
    const killAt = Date.now() + Math.max(0, graceMs);
    // A SIGTERM sent before the shim is ready would be lost (see waitUntilShimReady): wait for it
    // (bounded; an instance stopped right after its start is rare), then signal.
    this.#ready ??= waitUntilShimReady(this.pid, SHIM_READY_WAIT_MS).then(() => undefined);
    void this.#ready.then(() => this.#signal(killAt));
    return this.exited;
  }

  #signal(killAt: number): void {
    if (this.#done) return;
    if (this.#stopRequested === undefined) {
      this.#stopRequested = 'SIGTERM';
      signalGroup(this.pid, 'SIGTERM');
    } else if (killAt >= this.#killAt) {
      return;
    }
    // A later stop with less grace left moves the SIGKILL earlier, never later.
    this.#killAt = killAt;
    clearTimeout(this.#killTimer);
    this.#killTimer = setTimeout(() => {
      this.#stopRequested = 'SIGKILL';
      signalGroup(this.pid, 'SIGKILL');
    }, Math.max(0, killAt - Date.now()));
  }
}

/** Resolves with the shim's exit status; call right after spawning, before the child can exit. */
export function leaderExit(child: ChildProcess): Promise<number> {
  return new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? exitCodeForSignal(signal)));
  });
}

/** An instance this kubelet spawned: its exit comes from the child's exit event (see leaderExit). */
export function spawnedContainer(exit: Promise<number>, record: RunRecord, onEnded: () => Promise<void>): ContainerHandle {
  return new ProcessContainer(record, () => exit, onEnded);
}

/** An instance a previous run of the kubelet spawned: polled until its leader is gone. */
export function adoptedContainer(record: RunRecord, onEnded: () => Promise<void>): ContainerHandle {
  return new ProcessContainer(
    record,
    async () => {
      while (isSameProcessAlive(record.pid, record.startTicks)) await new Promise((r) => setTimeout(r, ADOPTED_POLL_MS).unref());
      return undefined;
    },
    onEnded,
  );
}

/** Spawns the shim for `argv` as a new process group (see the file comment). */
export function spawnShim(argv: readonly string[], exitFilePath: string, env: ReadonlyMap<string, string>, cwd: string, logFd: number): ChildProcess {
  return spawn('/bin/sh', ['-c', SHIM_SCRIPT, SHIM_NAME, exitFilePath, ...argv], {
    cwd,
    env: Object.fromEntries(env),
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
}
