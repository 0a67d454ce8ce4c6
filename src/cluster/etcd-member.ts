/**
 * One etcd member as a supervised child process: builds its command line (TLS on the client and
 * the peer port, both requiring a certificate from the etcd CA), starts it with its output in a
 * log file, records its PID in a file (so a later `k8ts` invocation can stop it), and stops it
 * by PID: SIGTERM, then SIGKILL after a bounded grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants as fsConstants, mkdirSync, openSync, readFileSync, readSync, fstatSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Certificate files a member serves and verifies with (all PEM). */
export interface EtcdMemberTlsFiles {
  /** The etcd CA: the only issuer trusted for clients and peers. */
  readonly caFile: string;
  /** Served on the client port; its SANs hold the member's IP. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** Served on the peer port and presented when dialling other members. */
  readonly peerCertFile: string;
  readonly peerKeyFile: string;
}

/**
 * The common name every member's peer certificate carries. Members accept peer connections only
 * from certificates with it, so the other certificates of the etcd CA (those of apiservers) open
 * the client port but never the peer port.
 */
export const peerCommonName = 'k8ts-etcd-peer';

/** Raft timing. Defaults: heartbeat 50 ms, election timeout 500 ms (see `defaultTuning`). */
export interface EtcdTuning {
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
}

/**
 * etcd's defaults (100 ms / 1000 ms) assume a network round trip of a few milliseconds. Members of
 * a local cluster talk over loopback (round trips of microseconds), so a 50 ms heartbeat is still
 * far above the round trip, and an election timeout of 10 heartbeats keeps etcd's recommended
 * ratio while halving failover: a follower notices a dead leader after 0.5–1 s instead of 1–2 s.
 * Going lower makes a loaded machine (a GC or fsync pause) trigger needless elections.
 */
export const defaultTuning: EtcdTuning = { heartbeatIntervalMs: 50, electionTimeoutMs: 500 };

export interface EtcdMemberConfig {
  readonly name: string;
  readonly dataDir: string;
  /** `https://<loopback ip>:<port>`: listened on and advertised to clients. */
  readonly clientUrl: string;
  /** `https://<loopback ip>:<port>`: listened on and advertised to peers. */
  readonly peerUrl: string;
  /** `name=peerUrl,...` for every member including this one. */
  readonly initialCluster: string;
  /** `new` when bootstrapping a cluster, `existing` when joining one (after a member add). */
  readonly initialClusterState: 'new' | 'existing';
  readonly initialClusterToken: string;
  readonly tls: EtcdMemberTlsFiles;
  /** stdout and stderr of the process go here (appended). */
  readonly logFile: string;
  /** The PID is written here while the process runs. */
  readonly pidFile: string;
  readonly tuning?: EtcdTuning;
  /** Path of the etcd binary; default: `etcd` found on PATH. */
  readonly etcdBinary?: string;
  /**
   * Run in its own process group, not tied to this process (for clusters that outlive the
   * command that started them, stopped later through the PID file). Default false.
   */
  readonly detached?: boolean;
}

/** How a member process ended. */
export interface EtcdExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The etcd command line for a member (flags only). */
export function etcdArgs(config: EtcdMemberConfig): string[] {
  const tuning = config.tuning ?? defaultTuning;
  const { tls } = config;
  return [
    `--name=${config.name}`,
    `--data-dir=${config.dataDir}`,
    `--listen-client-urls=${config.clientUrl}`,
    `--advertise-client-urls=${config.clientUrl}`,
    `--listen-peer-urls=${config.peerUrl}`,
    `--initial-advertise-peer-urls=${config.peerUrl}`,
    `--initial-cluster=${config.initialCluster}`,
    `--initial-cluster-state=${config.initialClusterState}`,
    `--initial-cluster-token=${config.initialClusterToken}`,
    `--client-cert-auth=true`,
    `--trusted-ca-file=${tls.caFile}`,
    `--cert-file=${tls.serverCertFile}`,
    `--key-file=${tls.serverKeyFile}`,
    `--peer-client-cert-auth=true`,
    `--peer-trusted-ca-file=${tls.caFile}`,
    `--peer-cert-file=${tls.peerCertFile}`,
    `--peer-key-file=${tls.peerKeyFile}`,
    `--peer-cert-allowed-cn=${peerCommonName}`,
    `--heartbeat-interval=${tuning.heartbeatIntervalMs}`,
    `--election-timeout=${tuning.electionTimeoutMs}`,
    '--logger=zap',
    '--log-outputs=stderr',
  ];
}

/** The etcd binary on PATH (or at `candidate`), or undefined when there is none. */
export function findEtcdBinary(candidate = 'etcd'): string | undefined {
  return findExecutable(candidate);
}

/** An executable by path, or by name on PATH; undefined when not found. */
export function findExecutable(name: string): string | undefined {
  const dirs = name.includes('/') ? [''] : (process.env['PATH'] ?? '').split(':').filter((d) => d !== '');
  for (const dir of dirs) {
    const path = dir === '' ? name : join(dir, name);
    try {
      accessSync(path, fsConstants.X_OK);
      return path;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

/** A supervised etcd member process. */
export class EtcdMember {
  readonly config: EtcdMemberConfig;
  #child: ChildProcess | undefined;
  #exited: Promise<EtcdExit> | undefined;
  #exit: EtcdExit | undefined;

  constructor(config: EtcdMemberConfig) {
    this.config = config;
  }

  get name(): string {
    return this.config.name;
  }

  /** The PID while the process runs (undefined before start and after exit). */
  get pid(): number | undefined {
    return this.running ? this.#child?.pid : undefined;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#exit === undefined;
  }

  /** How the last run ended (undefined while running or never started). */
  get exit(): EtcdExit | undefined {
    return this.#exit;
  }

  /** Resolves when the current process exits (immediately if it is not running). */
  async waitForExit(): Promise<EtcdExit | undefined> {
    return this.#exited ?? this.#exit;
  }

  /**
   * Spawns the process; resolves once it runs (readiness is the cluster's concern: a member alone
   * cannot serve until it has a quorum). Rejects if the binary cannot be started.
   */
  async start(): Promise<void> {
    if (this.running) throw new Error(`etcd member ${this.name} is already running`);
    const binary = this.config.etcdBinary ?? findEtcdBinary();
    if (binary === undefined) throw new Error('etcd binary not found on PATH (install etcd-server)');
    mkdirSync(dirname(this.config.logFile), { recursive: true });
    mkdirSync(dirname(this.config.pidFile), { recursive: true });
    mkdirSync(this.config.dataDir, { recursive: true, mode: 0o700 });
    const logFd = openSync(this.config.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(binary, etcdArgs(this.config), {
        stdio: ['ignore', logFd, logFd],
        detached: this.config.detached ?? false,
      });
    } finally {
      closeSync(logFd);
    }
    this.#child = child;
    this.#exit = undefined;
    // A member tied to this process must not outlive it, even when it ends without stopping it.
    const reap = (): void => {
      child.kill('SIGKILL');
    };
    if (this.config.detached !== true) process.once('exit', reap);
    this.#exited = new Promise<EtcdExit>((resolve) => {
      const ended = (exit: EtcdExit): void => {
        process.off('exit', reap);
        this.#exit = exit;
        rmSync(this.config.pidFile, { force: true });
        resolve(exit);
      };
      child.once('exit', (code, signal) => ended({ code, signal }));
      // A process that could not be spawned never emits 'exit'.
      child.once('error', () => {
        if (child.pid === undefined) ended({ code: null, signal: null });
      });
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    if (this.config.detached === true) child.unref();
    writeFileSync(this.config.pidFile, `${child.pid}\n`);
  }

  /** Kills the process with SIGKILL (a crash, for chaos tests) and waits for the exit. */
  async kill(): Promise<EtcdExit | undefined> {
    if (!this.running) return this.#exit;
    this.#child?.kill('SIGKILL');
    return this.waitForExit();
  }

  /** Sends `sig` without waiting (e.g. SIGSTOP and SIGCONT to freeze and thaw a member). */
  signal(sig: NodeJS.Signals): void {
    if (this.running) this.#child?.kill(sig);
  }

  /** SIGTERM, then SIGKILL if still running after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    const exited = this.waitForExit();
    this.#child?.kill('SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => {
      const t = setTimeout(() => resolve('timeout'), graceMs);
      void exited.then(() => clearTimeout(t));
    });
    if ((await Promise.race([exited, timer])) === 'timeout') {
      this.#child?.kill('SIGKILL');
      await exited;
    }
  }

  /** The last `bytes` of the member's log (for error messages). */
  logTail(bytes = 4000): string {
    return readTail(this.config.logFile, bytes);
  }
}

/**
 * Stops a member started by another process, through its PID file: SIGTERM, then SIGKILL after
 * `graceMs`, polling until it is gone (bounded). Before signalling it checks (where /proc exists)
 * that the PID still runs etcd with `dataDir`, so a recycled PID is never killed. Returns false if
 * there was nothing to stop.
 */
export async function stopByPidFile(pidFile: string, dataDir: string, graceMs = 10_000): Promise<boolean> {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isEtcdFor(pid, dataDir)) {
    rmSync(pidFile, { force: true });
    return false;
  }
  signal(pid, 'SIGTERM');
  const killAt = Date.now() + graceMs;
  const giveUpAt = killAt + 5_000;
  let killed = false;
  while (alive(pid)) {
    if (!killed && Date.now() >= killAt) {
      signal(pid, 'SIGKILL');
      killed = true;
    }
    if (Date.now() >= giveUpAt) throw new Error(`etcd (pid ${pid}) did not exit after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  rmSync(pidFile, { force: true });
  return true;
}

function isEtcdFor(pid: number, dataDir: string): boolean {
  if (!alive(pid)) return false;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return true; // no /proc: trust the PID file
  }
  return cmdline.split('\0').includes(`--data-dir=${dataDir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function readTail(path: string, bytes: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(bytes, size);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
