/**
 * End-to-end harness: boots a real cluster with the k8ts CLI (`k8ts up`) under a temporary
 * K8TS_HOME and KUBECONFIG, and runs the real kubectl against it. Every cluster it starts is
 * stopped (`k8ts down --delete`) by `stop()`, which tests call from `after()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
const REPO = resolve(import.meta.dirname, '..', '..');
const K8TS = join(REPO, 'bin', 'k8ts.js');

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliCluster {
  readonly name: string;
  readonly home: string;
  readonly kubeconfig: string;
  readonly env: NodeJS.ProcessEnv;
  /** What `k8ts up` printed. */
  readonly up: CommandResult;
  /** Runs `k8ts <args>`. */
  k8ts(args: readonly string[], timeoutMs?: number): Promise<CommandResult>;
  /** Runs `kubectl <args>` against the cluster (input on stdin when given, extra environment variables in `env`). */
  kubectl(args: readonly string[], options?: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<CommandResult>;
  /** Starts a long-running kubectl (e.g. `get -w`); the caller kills it. */
  spawnKubectl(args: readonly string[]): ChildProcess;
  stop(): Promise<void>;
}

async function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number, input?: string): Promise<CommandResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** Boots a cluster named `name` with `k8ts up` (extra args appended: a single node without any). */
export async function startCliCluster(name: string, upArgs: readonly string[] = [], upTimeoutMs = 180_000): Promise<CliCluster> {
  const home = mkdtempSync(join(tmpdir(), 'k8ts-e2e-'));
  const kubeconfig = join(home, 'user-kubeconfig');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    K8TS_HOME: join(home, 'k8ts-home'),
    KUBECONFIG: kubeconfig,
    HOME: home,
  };
  let upResult: CommandResult = { code: -1, stdout: '', stderr: '' };
  const cluster: CliCluster = {
    name,
    get up() {
      return upResult;
    },
    home,
    kubeconfig,
    env,
    k8ts: (args, timeoutMs = 120_000) => run(process.execPath, [K8TS, ...args], env, timeoutMs),
    kubectl: (args, options = {}) =>
      run('kubectl', ['--context', `k8ts-${name}`, ...args], { ...env, ...options.env }, options.timeoutMs ?? 60_000, options.input),
    spawnKubectl: (args) => spawn('kubectl', ['--context', `k8ts-${name}`, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
    async stop() {
      await run(process.execPath, [K8TS, 'down', '--name', name, '--delete'], env, 60_000);
      rmSync(home, { recursive: true, force: true });
    },
  };
  const up = await cluster.k8ts(['up', '--name', name, ...upArgs], upTimeoutMs);
  upResult = up;
  if (up.code !== 0) {
    await cluster.stop();
    throw new Error(`k8ts up failed (${up.code}):\n${up.stdout}\n${up.stderr}`);
  }
  return cluster;
}

/** Waits until `predicate` holds, polling every 100 ms; fails after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Cordons the cluster's own node `cp-1` (the in-process kubelet of a single-node cluster) once it
 * has registered, so that pods go only to the nodes a test brings itself (stand-in kubelets,
 * hand-written Node objects) and the test's counts of nodes and pods hold.
 */
export async function cordonControlPlaneNode(cluster: CliCluster): Promise<void> {
  await eventually('node cp-1 to register', async () => ((await cluster.kubectl(['get', 'node', 'cp-1'])).code === 0 ? true : undefined), 60_000);
  const cordon = await cluster.kubectl(['cordon', 'cp-1']);
  if (cordon.code !== 0) throw new Error(`kubectl cordon cp-1 failed: ${cordon.stderr}`);
}

/** A pod as the workload tests look at it. */
export interface PodRow {
  readonly name: string;
  readonly node: string;
  readonly ready: boolean;
  readonly terminating: boolean;
}

/** The pods matching `selector` (e.g. `app=web`), from `kubectl get pods -o json`. */
export async function podRows(cluster: CliCluster, selector: string): Promise<PodRow[]> {
  const r = await cluster.kubectl(['get', 'pods', '-l', selector, '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl get pods -l ${selector} failed: ${r.stderr}`);
  const list = JSON.parse(r.stdout) as {
    items: Array<{ metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { conditions?: Array<{ type: string; status: string }> } }>;
  };
  return list.items.map((p) => ({
    name: p.metadata.name,
    node: p.spec.nodeName ?? '',
    ready: p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    terminating: p.metadata.deletionTimestamp !== undefined,
  }));
}
