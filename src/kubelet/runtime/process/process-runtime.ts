/**
 * The `process` container runtime: every container instance is a host process group running the
 * container's `command` + `args` (the image is ignored: nothing is pulled, nothing is isolated;
 * the process runs as the kubelet's user, on the host's filesystem, with the pod's IP only as
 * an address it is told to bind). See process-container.ts for the instance lifecycle,
 * pod-layout.ts for what is kept on disk, volumes.ts and mount-env.ts for volumes.
 *
 * Instances outlive the kubelet: output goes straight to files, and a restarted kubelet adopts
 * the instances it finds alive (recoverPods), so restarting it neither kills nor duplicates pods.
 */
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants as fsConstants, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readdir, rm, unlink } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { Pod } from '../../api-types.ts';
import { cachedConfigSource, type ConfigSource } from '../../env/config-source.ts';
import type { TokenSource } from '../../env/token-source.ts';
import type { ContainerExit } from '../../pod/container-state.ts';
import type { ContainerHandle, ContainerRuntime, ExecOptions, ExecProcess, PodSandbox, RecoveredPod, SavedContainer, StartRequest } from '../runtime.ts';
import { StartError } from '../runtime.ts';
import {
  containersFile,
  ensurePrivateDir,
  exitFile,
  logDir,
  logFile,
  podDir,
  podFile,
  podsDir,
  readJsonFile,
  runDir,
  runFile,
  workDir,
  writeJsonFile,
  writeJsonFileSync,
  type RunRecord,
} from './pod-layout.ts';
import { adoptedContainer, leaderExit, spawnedContainer, spawnShim } from './process-container.ts';
import { exitCodeForSignal, isSameProcessAlive, processStartTicks, signalGroup } from './process-group.ts';
import { setUpVolumes } from './volumes.ts';

export interface ProcessRuntimeOptions {
  /** The kubelet's data directory (pods live in `<dataDir>/pods`). */
  readonly dataDir: string;
  /** Read afresh at every preparePod (pod setup, volume refresh; lookups memoized within one), so it must not cache itself. */
  readonly config: ConfigSource;
  /** Service account tokens for projected volumes (kept across setups, renewed as they age). */
  readonly tokens: TokenSource;
  /** The in-cluster apiserver URL when known (the kubeconfig of token volumes names it). */
  readonly inClusterApiServer: () => string | undefined;
  readonly nodeAllocatable: Readonly<Record<string, string>>;
  /** The node's address (status.hostIP in downward API volumes). */
  readonly hostIP: string;
  /** e.g. `process://0.1.0`. */
  readonly version: string;
  /** The kubelet's environment, from which PATH, HOME, LANG and TZ are passed on. */
  readonly hostEnv?: NodeJS.ProcessEnv;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const SCRIPT = '/usr/bin/script';

interface PodRecord {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly podIP: string;
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Finds `command` the way exec(3) does with the container's PATH; undefined when it is not there. */
export function resolveExecutable(command: string, path: string | undefined, cwd: string): string | undefined {
  const executable = (p: string): boolean => {
    try {
      accessSync(p, fsConstants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) {
    const full = isAbsolute(command) ? command : join(cwd, command);
    return executable(full) ? full : undefined;
  }
  for (const dir of (path ?? DEFAULT_PATH).split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/** Quotes `s` for a POSIX shell. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export class ProcessRuntime implements ContainerRuntime {
  readonly version: string;
  readonly #opts: ProcessRuntimeOptions;

  constructor(opts: ProcessRuntimeOptions) {
    this.#opts = opts;
    this.version = opts.version;
  }

  #dir(uid: string): string {
    return podDir(this.#opts.dataDir, uid);
  }

  async preparePod(pod: Pod, podIP: string): Promise<PodSandbox> {
    const uid = pod.metadata.uid ?? '';
    const dir = this.#dir(uid);
    if (!existsSync(podFile(dir))) {
      mkdirSync(runDir(dir), { recursive: true, mode: 0o700 });
      const record: PodRecord = { uid, namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', podIP };
      writeJsonFileSync(podFile(dir), record);
    }
    const volumePaths = await setUpVolumes({
      pod,
      podDir: dir,
      config: cachedConfigSource(this.#opts.config),
      tokens: this.#opts.tokens,
      apiServer: this.#opts.inClusterApiServer(),
      addresses: { podIP, hostIP: this.#opts.hostIP },
      nodeAllocatable: this.#opts.nodeAllocatable,
    });
    const host = this.#opts.hostEnv ?? process.env;
    const baseEnv = new Map<string, string>([
      ['PATH', host['PATH'] ?? DEFAULT_PATH],
      ['HOME', host['HOME'] ?? '/'],
    ]);
    for (const name of ['LANG', 'LC_ALL', 'TZ']) if (host[name] !== undefined) baseEnv.set(name, host[name]);
    baseEnv.set('HOSTNAME', pod.metadata.name ?? '');
    baseEnv.set('POD_IP', podIP);
    return { volumePaths, baseEnv };
  }

  /**
   * Starts one instance. The preparation is a handful of tiny file operations done
   * synchronously: through libuv's four-thread pool each would wait behind every other pod's
   * disk work when many pods start at once, multiplying start latency.
   */
  async startContainer(pod: Pod, request: StartRequest): Promise<ContainerHandle> {
    const uid = pod.metadata.uid ?? '';
    const dir = this.#dir(uid);
    const cwd = request.workingDir ?? workDir(dir, request.name);
    if (request.workingDir === undefined) mkdirSync(cwd, { recursive: true, mode: 0o700 });
    else if (!existsSync(cwd) || !statSync(cwd).isDirectory()) throw new StartError(`working directory "${cwd}" does not exist`);
    const command = request.argv[0]!;
    if (resolveExecutable(command, request.env.get('PATH'), cwd) === undefined) {
      throw new StartError(`exec: "${command}": ${command.includes('/') ? 'no such file or directory' : 'executable file not found in $PATH'}`);
    }
    mkdirSync(logDir(dir, request.name), { recursive: true, mode: 0o700 });
    mkdirSync(runDir(dir), { recursive: true, mode: 0o700 });
    this.#pruneLogs(dir, request.name, request.instance);
    const logPath = logFile(dir, request.name, request.instance);
    const exitPath = exitFile(dir, request.name, request.instance);
    rmSync(exitPath, { force: true });
    const logFd = openSync(logPath, 'a', 0o600);
    let child;
    let exited: Promise<number>;
    try {
      child = spawnShim(request.argv, exitPath, request.env, cwd, logFd);
      exited = leaderExit(child);
      await new Promise<void>((resolve, reject) => {
        child!.once('spawn', resolve);
        child!.once('error', reject);
      });
    } catch (err) {
      throw new StartError(`cannot start ${command}: ${(err as Error).message}`);
    } finally {
      closeSync(logFd);
    }
    const pid = child.pid!;
    const startedAt = rfc3339(new Date());
    const record: RunRecord = {
      container: request.name,
      instance: request.instance,
      pid,
      startTicks: processStartTicks(pid) ?? '',
      containerID: `process://${pid}`,
      startedAt,
      env: Object.fromEntries(request.env),
      workingDir: cwd,
      logPath,
      exitFile: exitPath,
    };
    const recordPath = runFile(dir, request.name);
    writeJsonFileSync(recordPath, record);
    child.unref();
    return spawnedContainer(exited, record, () => unlink(recordPath).catch(() => undefined));
  }

  /**
   * Keeps only the logs of this instance and the one before it (`kubectl logs --previous`), and
   * removes the exit files of earlier instances.
   */
  #pruneLogs(dir: string, name: string, instance: number): void {
    if (instance < 2) return;
    for (const entry of readdirSync(logDir(dir, name))) {
      const n = Number(entry.split('.')[0]);
      if (Number.isInteger(n) && n < instance - 1) rmSync(join(logDir(dir, name), entry), { force: true });
    }
    for (let n = Math.max(0, instance - 3); n < instance - 1; n++) rmSync(exitFile(dir, name, n), { force: true });
  }

  async saveContainers(pod: Pod, podIP: string, containers: readonly SavedContainer[]): Promise<void> {
    const dir = this.#dir(pod.metadata.uid ?? '');
    await ensurePrivateDir(dir);
    await writeJsonFile(containersFile(dir), { podIP, containers });
  }

  async recoverPods(): Promise<RecoveredPod[]> {
    const out: RecoveredPod[] = [];
    for (const uid of await readdir(podsDir(this.#opts.dataDir)).catch(() => [] as string[])) {
      const dir = this.#dir(uid);
      const record = await readJsonFile<PodRecord>(podFile(dir));
      if (record === undefined) {
        // A pod directory without its record was never fully set up: nothing of it can run.
        await this.removePod(uid);
        continue;
      }
      const saved = await readJsonFile<{ containers?: SavedContainer[] }>(containersFile(dir));
      const running = new Map<string, ContainerHandle>();
      const exitedWhileAway = new Map<string, ContainerExit>();
      for (const entry of await readdir(runDir(dir)).catch(() => [] as string[])) {
        if (!entry.endsWith('.json')) continue;
        const run = await readJsonFile<RunRecord>(join(runDir(dir), entry));
        if (run === undefined) continue;
        const recordPath = runFile(dir, run.container);
        const handle = adoptedContainer(run, () => unlink(recordPath).catch(() => undefined));
        if (isSameProcessAlive(run.pid, run.startTicks)) running.set(run.container, handle);
        else exitedWhileAway.set(run.container, await handle.exited);
      }
      out.push({ uid, namespace: record.namespace, name: record.name, podIP: record.podIP, containers: saved?.containers ?? [], running, exitedWhileAway });
    }
    return out;
  }

  exec(handle: ContainerHandle, argv: readonly string[], options: ExecOptions): ExecProcess {
    let file = argv[0]!;
    let args = argv.slice(1);
    if (options.tty && existsSync(SCRIPT)) {
      // `script` gives the command a pseudo-terminal (no native addon needed); -e passes its exit code on.
      args = ['-qefc', argv.map(shellQuote).join(' '), '/dev/null'];
      file = SCRIPT;
    }
    const env = { ...Object.fromEntries(handle.env), ...(options.tty ? { TERM: handle.env.get('TERM') ?? 'xterm' } : {}) };
    const child = spawn(file, args, { cwd: handle.workingDir, env, detached: true, stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    // A pipe fails when the command stops using it (EPIPE when it closed its stdin, or exited,
    // while input is still coming): that is the command's business, reported by `exited`, and
    // must not take the kubelet down. The failed pipe is destroyed, so later writes are dropped.
    for (const pipe of [child.stdin, child.stdout, child.stderr]) pipe?.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    };
    const exited = new Promise<number>((resolve) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        child.stderr?.emit('data', Buffer.from(`exec: "${argv[0]}": ${err.code === 'ENOENT' ? 'executable file not found in $PATH' : err.message}\n`));
        resolve(err.code === 'ENOENT' ? 127 : 126);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        // What the command started in the background dies with it, as in a container.
        kill();
        resolve(code ?? exitCodeForSignal(signal));
      });
    });
    if (options.timeoutMs !== undefined) timer = setTimeout(kill, options.timeoutMs);
    return { stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, exited, kill };
  }

  logPath(uid: string, name: string, instance: number): string {
    return logFile(this.#dir(uid), name, instance);
  }

  async removePod(uid: string): Promise<void> {
    this.#opts.tokens.forget(uid);
    const dir = this.#dir(uid);
    await killRecordedGroups(dir, 0);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Stops every container process recorded under pod directory `dir`: SIGTERM to each group whose
 * leader is still the recorded process, SIGKILL to what is left after `graceMs`.
 * @returns how many instances were found running
 */
async function killRecordedGroups(dir: string, graceMs: number): Promise<number> {
  const live: RunRecord[] = [];
  for (const entry of await readdir(runDir(dir)).catch(() => [] as string[])) {
    if (!entry.endsWith('.json')) continue;
    const run = await readJsonFile<RunRecord>(join(runDir(dir), entry));
    if (run !== undefined && isSameProcessAlive(run.pid, run.startTicks)) live.push(run);
  }
  for (const run of live) signalGroup(run.pid, graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const deadline = Date.now() + graceMs;
  for (const run of live) {
    while (Date.now() < deadline && isSameProcessAlive(run.pid, run.startTicks)) await new Promise((r) => setTimeout(r, 50));
    signalGroup(run.pid, 'SIGKILL');
  }
  return live.length;
}

/**
 * Stops every pod process a kubelet with data directory `dataDir` left running (SIGTERM, then
 * SIGKILL after `graceMs`), keeping the pods' files. For `k8ts down`: a kubelet's own shutdown
 * leaves its pods running (as upstream's does), so stopping a whole cluster means first stopping
 * its kubelets, then calling this for each of their data directories.
 * @returns the number of container instances that were running
 */
export async function stopPodProcesses(dataDir: string, graceMs = 10_000): Promise<number> {
  const uids = await readdir(podsDir(dataDir)).catch(() => [] as string[]);
  const counts = await Promise.all(uids.map((uid) => killRecordedGroups(podDir(dataDir, uid), graceMs)));
  return counts.reduce((a, b) => a + b, 0);
}
