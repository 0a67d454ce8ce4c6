/**
 * Starting the processes of an HA cluster, in dependency order and each group behind its health
 * gate: etcd members (until they serve), then apiservers (until ready), then the load balancer
 * (until its backends are up), then the workers' agents (until their Nodes are Ready; a
 * single-node cluster's workers start the same way). A process already running (its recorded
 * PID runs its recorded command line) is left alone. On a gate failure the error carries the end of the log of the
 * process that failed.
 */
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { ensurePrivateDir, writePrivateFile } from '../pki/index.ts';
import { formatBackendsFile, haproxyFiles } from '../lb/index.ts';
import { APISERVER_PORT } from './address-plan.ts';
import { apiServerUrl, clusterNodes, type ClusterRecord, type NodeRecord } from './cluster-record.ts';
import { GateError, waitForApiServer, waitForEtcdMembers, waitForLoadBalancer, waitForNodeReady } from './ha-gates.ts';
import { lbBackendsFile, lbDir } from './ha-layout.ts';
import { prepareControlPlaneFiles, prepareEtcdMemberFiles, prepareHaPki, prepareWorkerFiles, type ClusterCredentials, type HaPki } from './ha-pki.ts';
import { agentProcess, etcdProcess, lbProcess, memberSpecOf, serverProcess, type ProcessSpec } from './ha-processes.ts';
import { K8TS_BIN } from './k8ts-bin.ts';
import { clientUrl } from './etcd-layout.ts';
import { isRecordedProcessRunning, logTail, readProcessRecords, startDetached, type ProcessExit, type ProcessRecord } from './managed-process.ts';

/** A cluster's directory, record and credentials: what starting its workers needs, in any topology. */
export interface ClusterHandle {
  readonly dir: string;
  readonly record: ClusterRecord;
  readonly pki: ClusterCredentials;
}

/** An HA cluster's directory, record and certificates: what every operation needs. */
export interface HaCluster extends ClusterHandle {
  readonly pki: HaPki;
}

/** Loads (creating on first use) the certificates of the cluster in `dir`. */
export async function openHaCluster(dir: string, record: ClusterRecord): Promise<HaCluster> {
  return { dir, record, pki: await prepareHaPki(dir, record) };
}

function describeExit(exit: ProcessExit): string {
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** A process started (or found running), and how to tell whether it has gone. */
interface Launched {
  readonly spec: ProcessSpec;
  readonly gone: () => Promise<string | undefined>;
  readonly logFile: string;
  readonly logOffset: number;
}

async function runningRecord(dir: string, name: string): Promise<ProcessRecord | undefined> {
  const record = (await readProcessRecords(dir)).find((p) => p.name === name);
  return record !== undefined && (await isRecordedProcessRunning(record)) ? record : undefined;
}

async function launch(dir: string, spec: ProcessSpec): Promise<Launched> {
  const running = await runningRecord(dir, spec.name);
  if (running !== undefined) {
    return {
      spec,
      logFile: running.logFile,
      logOffset: 0,
      gone: async () => ((await isRecordedProcessRunning(running)) ? undefined : 'is no longer running'),
    };
  }
  const started = await startDetached(dir, spec.name, spec.argv, { cwd: dir, ...(spec.readyUrl === undefined ? {} : { readyUrl: spec.readyUrl }) });
  started.detach();
  return {
    spec,
    logFile: started.record.logFile,
    logOffset: started.logOffset,
    gone: async () => {
      const exit = started.exit();
      if (exit !== undefined) return describeExit(exit);
      return (await isRecordedProcessRunning(started.record)) ? undefined : 'is no longer running';
    },
  };
}

/** Rethrows a gate failure with the end of the failed process's log. */
async function withLogs<T>(launched: readonly Launched[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof GateError)) throw err;
    const culprit = launched.find((l) => l.spec.name === err.process || l.spec.node === err.process) ?? (launched.length === 1 ? launched[0] : undefined);
    if (culprit === undefined) throw err;
    const tail = await logTail(culprit.logFile, culprit.logOffset, 30);
    throw new Error(`${err.message}\n--- last lines of ${culprit.logFile} ---\n${tail === '' ? '(empty)' : tail}\n---`, { cause: err });
  }
}

/** Starts the etcd members of `nodes` and waits until each serves. Returns how many were started. */
export async function startEtcdMembers(cluster: HaCluster, nodes: readonly NodeRecord[], timeoutMs: number): Promise<number> {
  const launched: Launched[] = [];
  let started = 0;
  for (const node of nodes) {
    const tls = await prepareEtcdMemberFiles(cluster.dir, cluster.pki, node);
    const spec = etcdProcess(cluster.dir, cluster.record, node, tls);
    const wasRunning = (await runningRecord(cluster.dir, spec.name)) !== undefined;
    launched.push(await launch(cluster.dir, spec));
    if (!wasRunning) started++;
  }
  const members = new Map(nodes.map((n) => [n.name, clientUrl(memberSpecOf(n))]));
  await withLogs(launched, () =>
    waitForEtcdMembers(members, cluster.pki.etcd.clientTls, timeoutMs, (name) => launched.find((l) => l.spec.node === name)!.gone()),
  );
  return started;
}

/** Starts the `k8ts server` of each node in `nodes` and waits until each is ready. */
export async function startServers(cluster: HaCluster, nodes: readonly NodeRecord[], timeoutMs: number, onReady?: (node: string) => void): Promise<void> {
  const launched: Launched[] = [];
  for (const node of nodes) {
    const files = await prepareControlPlaneFiles(cluster.dir, cluster.record, cluster.pki, node);
    launched.push(await launch(cluster.dir, serverProcess(cluster.record, node, files)));
  }
  await withLogs(launched, () =>
    Promise.all(
      launched.map(async (l) => {
        await waitForApiServer(l.spec.node ?? l.spec.name, l.spec.readyUrl!, cluster.pki.admin, timeoutMs, l.gone);
        onReady?.(l.spec.node ?? l.spec.name);
      }),
    ),
  );
}

/**
 * Whether this k8ts has the `agent` command (kubelet and kube-proxy) that worker nodes run.
 * @throws Error saying so when it has not
 */
export function requireAgentCommand(): void {
  const probe = spawnSync(process.execPath, [K8TS_BIN, 'agent', '--help'], { stdio: 'ignore', timeout: 30_000 });
  if (probe.status !== 0) throw new Error('worker nodes run `k8ts agent` (kubelet and kube-proxy), which this k8ts does not have yet');
}

/** Starts the `k8ts agent` of each worker in `nodes` and waits until each one's Node is Ready. */
export async function startAgents(cluster: ClusterHandle, nodes: readonly NodeRecord[], timeoutMs: number): Promise<void> {
  if (nodes.length === 0) return;
  requireAgentCommand();
  const launched: Launched[] = [];
  for (const node of nodes) {
    const files = await prepareWorkerFiles(cluster.dir, cluster.record, cluster.pki, node);
    launched.push(await launch(cluster.dir, agentProcess(cluster.record, node, files)));
  }
  const url = apiServerUrl(cluster.record);
  await withLogs(launched, () => Promise.all(launched.map((l) => waitForNodeReady(url, l.spec.node!, cluster.pki.admin, timeoutMs, l.gone))));
}

/** Writes the load balancer's backends file: every control-plane node's apiserver. */
export async function writeBackends(cluster: HaCluster): Promise<void> {
  await ensurePrivateDir(lbDir(cluster.dir));
  const backends = clusterNodes(cluster.record)
    .filter((n) => n.role === 'control-plane')
    .map((n) => ({ name: n.name, host: n.address, port: APISERVER_PORT }));
  await writePrivateFile(lbBackendsFile(cluster.dir), formatBackendsFile(backends));
}

/**
 * Stops an HAProxy left behind by a supervisor that was killed with SIGKILL (it would hold the
 * balancer's address): the PID in its PID file, if that process runs haproxy with this
 * cluster's configuration.
 */
export async function stopOrphanHaproxy(dir: string): Promise<void> {
  const files = haproxyFiles(lbDir(dir));
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(files.pidFile, 'utf8').trim(), 10);
  } catch {
    return;
  }
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    await rm(files.pidFile, { force: true });
    return;
  }
  if (!cmdline.split('\0').includes(files.config)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await rm(files.pidFile, { force: true });
}

/** Starts the load balancer (backends file first) and waits until it passes every control plane's apiserver. */
export async function startLoadBalancer(cluster: HaCluster, timeoutMs: number, expectBackends: readonly string[]): Promise<void> {
  await writeBackends(cluster);
  const spec = lbProcess(cluster.dir, cluster.record);
  if ((await runningRecord(cluster.dir, spec.name)) === undefined) await stopOrphanHaproxy(cluster.dir);
  const launched = await launch(cluster.dir, spec);
  await withLogs([launched], () => waitForLoadBalancer(cluster.record.loadBalancer!, expectBackends, cluster.pki.admin, timeoutMs, launched.gone));
}
