/**
 * `k8ts up`: brings a cluster up in the background and waits until it is ready. HA topologies
 * are ha-up.ts; this file holds the single-node topology: one `k8ts server` process on SQLite,
 * started from the cluster's directory, which is also the server's data directory.
 *
 * - a new cluster gets an address index (address-plan.ts), its cluster.json and certificates;
 * - a stopped cluster restarts with its data, address and certificates;
 * - a running one is left alone (reported as already running).
 * Then, unless told not to, its context is merged into the user's kubeconfig.
 */
import { ensurePrivateDir } from '../pki/index.ts';
import { kubernetesServiceIp } from '../apiserver/bootstrap.ts';
import { KUBELET_PORT } from '../kubelet/ports.ts';
import { allocateAddressIndex, APISERVER_PORT, clusterAddress, isAddressFree, serviceClusterIpRange } from './address-plan.ts';
import { contextName } from './cluster-name.ts';
import { apiServerUrl, clusterNodes, readClusterRecord, writeClusterRecord, type ClusterRecord, type ClusterTopology } from './cluster-record.ts';
import { layoutMismatch, layoutOf, plannedWorkers, resolveLayout, type LayoutRequest } from './ha-plan.ts';
import { controlPlaneKubeletArgs } from './ha-processes.ts';
import { prepareClusterCredentials } from './ha-pki.ts';
import { startAgents } from './ha-runtime.ts';
import { upHaCluster } from './ha-up.ts';
import { k8tsCommand } from './k8ts-bin.ts';
import { claimedAndFree } from './machine-claims.ts';
import { clusterDir } from './k8ts-home.ts';
import { isRecordedProcessRunning, logTail, readProcessRecords, startDetached, type ProcessExit } from './managed-process.ts';
import { prepareServerFiles, readAdminCredentials, serverLayout } from './server-files.ts';
import { mergeIntoUserKubeconfig } from './user-kubeconfig.ts';
import { waitUntilReady } from './wait-ready.ts';

const SERVER_PROCESS = 'server';
/** Lines of a failed process's log shown to the user. */
const LOG_TAIL_LINES = 40;

export interface UpOptions {
  readonly home: string;
  readonly name: string;
  /** Merge the context into the user's kubeconfig and make it current. */
  readonly mergeKubeconfig: boolean;
  /** The user's kubeconfig to merge into; default per `userKubeconfigPath()`. */
  readonly userKubeconfig?: string;
  /** How long to wait for readiness. Default 120 s. */
  readonly readyTimeoutMs?: number;
  /** Progress lines, for the user. */
  readonly progress?: (line: string) => void;
  /**
   * The layout asked for (`--topology`, `--control-planes`, ...). A new cluster gets it; an
   * existing one must match it when any of it is given.
   */
  readonly layout?: LayoutRequest;
}

export interface UpResult {
  readonly outcome: 'created' | 'restarted' | 'already-running';
  readonly url: string;
  /** The cluster's own kubeconfig. */
  readonly kubeconfigPath: string;
  readonly context: string;
  /** The user's kubeconfig the context was merged into, if it was. */
  readonly mergedInto?: string;
  readonly topology: ClusterTopology;
  /** The server's PID (single node). */
  readonly pid?: number;
  /** How many processes run (HA topologies). */
  readonly processes?: number;
  readonly elapsedMs: number;
}

/**
 * The command line of a single-node cluster's server process: the apiserver, and the kubelet of
 * node cp-1 (when the address plan has a pod range for the cluster).
 */
export function serverCommandLine(dataDir: string, record: ClusterRecord): string[] {
  const kubelet = controlPlaneKubeletArgs(record, clusterNodes(record)[0]!);
  return k8tsCommand([
    'server',
    '--data-dir',
    dataDir,
    '--bind-address',
    record.apiServer.address,
    '--port',
    String(record.apiServer.port),
    '--service-cluster-ip-range',
    serviceClusterIpRange(record.index),
    ...(kubelet.length === 0 ? [] : ['--node-name', clusterNodes(record)[0]!.name, ...kubelet]),
  ]);
}

function describeExit(exit: ProcessExit): string {
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/**
 * Brings cluster `name` up (see the file comment) and waits until its apiserver is ready.
 * @throws Error with the end of the server's log when it dies or does not get ready in time
 */
export async function upCluster(opts: UpOptions): Promise<UpResult> {
  const startedAt = Date.now();
  const progress = opts.progress ?? (() => {});
  const timeoutMs = opts.readyTimeoutMs ?? 120_000;
  const dir = clusterDir(opts.home, opts.name);
  const context = contextName(opts.name);
  let record = await readClusterRecord(dir);
  const request = opts.layout ?? {};
  if (record !== undefined) {
    const mismatch = layoutMismatch(request, layoutOf(record));
    if (mismatch !== undefined) {
      throw new Error(
        `cluster "${opts.name}" cannot be brought up as asked: ${mismatch}; \`k8ts up --name ${opts.name}\` starts it as it is, \`k8ts node add|remove\` changes its nodes, and \`k8ts down --name ${opts.name} --delete\` deletes it`,
      );
    }
  }
  const layout = record === undefined ? resolveLayout(request) : layoutOf(record);

  const finish = async (outcome: UpResult['outcome'], cluster: ClusterRecord, running: { pid?: number; processes?: number }): Promise<UpResult> => {
    let mergedInto: string | undefined;
    if (opts.mergeKubeconfig) {
      try {
        mergedInto = await mergeUserKubeconfig(dir, cluster, opts.userKubeconfig);
      } catch (err) {
        const kubeconfig = serverLayout(dir).kubeconfigPath;
        throw new Error(`cluster "${opts.name}" is up at ${apiServerUrl(cluster)} (kubeconfig: ${kubeconfig}), but ${(err as Error).message}`, { cause: err });
      }
    }
    return {
      outcome,
      url: apiServerUrl(cluster),
      kubeconfigPath: serverLayout(dir).kubeconfigPath,
      context,
      ...(mergedInto === undefined ? {} : { mergedInto }),
      topology: cluster.topology,
      ...running,
      elapsedMs: Date.now() - startedAt,
    };
  };

  if (layout.topology !== 'single') {
    const ha = await upHaCluster({ home: opts.home, name: opts.name, dir, existing: record, layout, timeoutMs, progress, startedAt });
    return finish(ha.outcome, ha.record, { processes: ha.processes });
  }

  if (record !== undefined) {
    const running = (await readProcessRecords(dir)).find((p) => p.name === SERVER_PROCESS);
    if (running !== undefined && (await isRecordedProcessRunning(running))) {
      const result = await waitUntilReady({
        url: `${apiServerUrl(record)}/readyz`,
        credentials: await readAdminCredentials(dir),
        timeoutMs,
        gone: async () => ((await isRecordedProcessRunning(running)) ? undefined : 'is no longer running'),
      });
      if (!result.ready) await failStartup(opts.name, running.pid, running.logFile, 0, result, timeoutMs);
      await startWorkers(dir, record, timeoutMs, () => undefined);
      return finish('already-running', record, { pid: running.pid });
    }
  }

  const outcome = record === undefined ? 'created' : 'restarted';
  if (record === undefined) {
    await ensurePrivateDir(opts.home);
    // The node's kubelet listens on the same address: both ports must be free, and the kubelet
    // port of every worker's address.
    const index = await allocateAddressIndex(
      opts.home,
      opts.name,
      claimedAndFree(dir, async (i) => {
        const kubelets = [clusterAddress(i), ...plannedWorkers(i, layout).nodes.map((n) => n.address)];
        if (!(await isAddressFree(clusterAddress(i), APISERVER_PORT))) return false;
        for (const address of kubelets) if (!(await isAddressFree(address, KUBELET_PORT))) return false;
        return true;
      }),
    );
    const address = clusterAddress(index);
    const workers = plannedWorkers(index, layout);
    record = {
      name: opts.name,
      topology: 'single',
      index,
      apiServer: { address, port: APISERVER_PORT },
      createdAt: new Date().toISOString(),
      ...(workers.nodes.length === 0
        ? {}
        : { nodes: [{ name: 'cp-1', role: 'control-plane', address }, ...workers.nodes], ...(workers.workerRuntime === undefined ? {} : { workerRuntime: workers.workerRuntime }) }),
    };
    await ensurePrivateDir(dir);
    await writeClusterRecord(dir, record);
    progress(`Creating cluster "${opts.name}" at ${apiServerUrl(record)} in ${dir}`);
  } else {
    progress(`Starting stopped cluster "${opts.name}" at ${apiServerUrl(record)} with its data in ${dir}`);
  }

  if (outcome === 'restarted' && !((await isAddressFree(record.apiServer.address, record.apiServer.port)) && (await isAddressFree(record.apiServer.address, KUBELET_PORT)))) {
    throw new Error(
      `cannot restart cluster "${opts.name}": its address ${record.apiServer.address} (port ${record.apiServer.port} or the kubelet's ${KUBELET_PORT}) is in use by another process (a cluster of another K8TS_HOME?); stop that process, or delete this cluster (\`k8ts down --name ${opts.name} --delete\`) and create it again`,
    );
  }
  const prepared = await prepareServerFiles(dir, record.apiServer.address, record.apiServer.port, {
    extraServingAddresses: [kubernetesServiceIp(serviceClusterIpRange(record.index))],
  });
  progress(`  certificates ready in ${prepared.layout.pkiDir}`);
  const server = await startDetached(dir, SERVER_PROCESS, serverCommandLine(dir, record), { cwd: dir, readyUrl: `${prepared.url}/readyz` });
  progress(`  server started (pid ${server.record.pid}), log: ${server.record.logFile}`);
  const result = await waitUntilReady({
    url: `${prepared.url}/readyz`,
    credentials: { caPem: prepared.pki.ca.pem.certPem, certPem: prepared.pki.admin.certPem, keyPem: prepared.pki.admin.keyPem },
    timeoutMs,
    gone: async () => {
      const exit = server.exit();
      return exit === undefined ? undefined : describeExit(exit);
    },
  });
  // Whatever the outcome, this command must not wait for the server to exit.
  server.detach();
  if (!result.ready) await failStartup(opts.name, server.record.pid, server.record.logFile, server.logOffset, result, timeoutMs);
  progress('  apiserver ready');
  await startWorkers(dir, record, timeoutMs, progress);
  return finish(outcome, record, { pid: server.record.pid });
}

/** Starts the agents of a single-node cluster's workers (those not running) and waits until their Nodes are Ready. */
async function startWorkers(dir: string, record: ClusterRecord, timeoutMs: number, progress: (line: string) => void): Promise<void> {
  const workers = clusterNodes(record).filter((n) => n.role === 'worker');
  if (workers.length === 0) return;
  const startedAt = Date.now();
  await startAgents({ dir, record, pki: await prepareClusterCredentials(dir) }, workers, timeoutMs);
  progress(`  workers ${workers.map((n) => n.name).join(', ')} Ready (${((Date.now() - startedAt) / 1000).toFixed(1)}s)`);
}

async function failStartup(
  name: string,
  pid: number,
  logFile: string,
  logOffset: number,
  result: { gone?: string; lastProbe?: string },
  timeoutMs: number,
): Promise<never> {
  const tail = await logTail(logFile, logOffset, LOG_TAIL_LINES);
  const what =
    result.gone !== undefined
      ? `the server (pid ${pid}) ${result.gone} before it was ready`
      : `the server (pid ${pid}) is not ready after ${timeoutMs / 1000}s (last /readyz answer: ${result.lastProbe ?? 'none'}); it is still running: see \`k8ts status --name ${name}\`, stop it with \`k8ts down --name ${name}\``;
  throw new Error(`${what}\n--- last lines of ${logFile} ---\n${tail === '' ? '(empty)' : tail}\n---`);
}

async function mergeUserKubeconfig(dir: string, record: ClusterRecord, userKubeconfig: string | undefined): Promise<string> {
  const credentials = await readAdminCredentials(dir);
  const entry = { name: contextName(record.name), server: apiServerUrl(record), ...credentials };
  return mergeIntoUserKubeconfig(entry, userKubeconfig);
}
