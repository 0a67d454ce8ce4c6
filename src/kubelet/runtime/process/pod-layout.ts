/**
 * Where the process runtime keeps a pod, under the kubelet's data directory:
 *
 *   <data-dir>/pods/<uid>/pod.json              namespace, name, uid and IP of the pod
 *   <data-dir>/pods/<uid>/containers.json       each container's restart count and last exits
 *   <data-dir>/pods/<uid>/run/<container>.json  the running instance: PID, its start time, env,
 *                                                working dir (removed when the instance ends)
 *   <data-dir>/pods/<uid>/run/<container>-<n>.exit  exit code the shim writes as instance n ends
 *   <data-dir>/pods/<uid>/logs/<container>/<n>.log  output of instance n (+ .idx, its write times)
 *   <data-dir>/pods/<uid>/volumes/<volume>/     volumes (volumes.ts)
 *   <data-dir>/pods/<uid>/work/<container>/     default working directory of the container
 *
 * Every file is 0600 and every directory 0700: env and volumes may hold secrets.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function podsDir(dataDir: string): string {
  return join(dataDir, 'pods');
}

export function podDir(dataDir: string, uid: string): string {
  return join(podsDir(dataDir), uid);
}

export const podFile = (dir: string): string => join(dir, 'pod.json');
export const containersFile = (dir: string): string => join(dir, 'containers.json');
export const runDir = (dir: string): string => join(dir, 'run');
export const runFile = (dir: string, container: string): string => join(runDir(dir), `${container}.json`);
export const exitFile = (dir: string, container: string, instance: number): string => join(runDir(dir), `${container}-${instance}.exit`);
export const logDir = (dir: string, container: string): string => join(dir, 'logs', container);
export const logFile = (dir: string, container: string, instance: number): string => join(logDir(dir, container), `${instance}.log`);
export const workDir = (dir: string, container: string): string => join(dir, 'work', container);

/** The record of a running instance (`run/<container>.json`). */
export interface RunRecord {
  readonly container: string;
  readonly instance: number;
  /** PID of the instance's group leader, which is also the group's ID. */
  readonly pid: number;
  /** Its start time in clock ticks since boot (from /proc), to tell it from a later PID reuse. */
  readonly startTicks: string;
  readonly containerID: string;
  readonly startedAt: string;
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir: string;
  readonly logPath: string;
  readonly exitFile: string;
}

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Writes JSON atomically (temp file + rename), mode 0600. */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/**
 * writeJsonFile, synchronously: for the run record written as an instance starts, a small file
 * whose write should not wait in the thread pool behind other pods' disk work.
 */
export function writeJsonFileSync(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Reads JSON; undefined when the file is missing or not JSON (a crash mid-write leaves none). */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
