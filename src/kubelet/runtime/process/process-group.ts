/**
 * Process groups as the process runtime's containers: each container instance is a group led
 * by a small shell (see container-shim.ts), signalled as a whole with a negative PID. A PID is
 * only trusted together with its start time (field 22 of /proc/<pid>/stat), so a recorded
 * container is never confused with an unrelated process that later got the same PID.
 */
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

/*
 * /proc is read synchronously on purpose: its files are generated from kernel memory in
 * microseconds, and asynchronous reads would queue behind real disk work in libuv's small
 * thread pool exactly when many pods start at once.
 */

/** The start time of process `pid` in clock ticks since boot, or undefined when it does not exist. */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); the start time is field 22.
    const state = fields[0];
    if (state === 'Z' || state === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Whether the process `pid` that started at `startTicks` still runs (not a zombie). */
export function isSameProcessAlive(pid: number, startTicks: string): boolean {
  return processStartTicks(pid) === startTicks;
}

/** Whether any process is left in group `pgid`. */
export function groupHasProcesses(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    // EPERM: the group exists but belongs to someone else, which a group we created never does.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` to every process of group `pgid`; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** The exit code a shell reports for a process killed by `signal` (128 + its number). */
export function exitCodeForSignal(signal: NodeJS.Signals | null): number {
  return 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Waits (at most `timeoutMs`) until the shim `pid` is ready to be signalled: it catches SIGTERM
 * (its trap is set) and its child has exec'd the container's command. A SIGTERM sent before
 * then would be lost: a shell handles a trapped signal that arrives between its fork and the
 * child's exec in the child, where it does nothing. Returns false on timeout (or without
 * /proc/<pid>/task/<pid>/children, which some kernels lack), in which case the caller goes on.
 */
export async function waitUntilShimReady(pid: number, timeoutMs: number): Promise<boolean> {
  const bit = 1n << BigInt((constants.signals.SIGTERM ?? 15) - 1);
  const deadline = Date.now() + timeoutMs;
  const own = readOrUndefined(`/proc/${pid}/cmdline`);
  for (;;) {
    const status = readOrUndefined(`/proc/${pid}/status`);
    if (status === undefined) return false;
    const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    const catches = mask !== undefined && (BigInt(`0x${mask}`) & bit) !== 0n;
    if (catches) {
      const children = readOrUndefined(`/proc/${pid}/task/${pid}/children`);
      if (children === undefined) return true;
      const child = children.trim().split(' ')[0];
      if (child !== undefined && child !== '') {
        const cmdline = readOrUndefined(`/proc/${child}/cmdline`);
        if (cmdline !== undefined && cmdline !== own) return true;
      }
    }
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 1));
  }
}
