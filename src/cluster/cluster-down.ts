/**
 * `k8ts down`: stops every process recorded for a cluster (whatever its topology), keeping its
 * data; with `delete`, also removes its directory, its address claim and its entries in the
 * user's kubeconfig.
 *
 * Order (HA): the workers' agents, the load balancer, then the apiservers (each leaves the `kubernetes` endpoints and
 * drains while etcd still serves), then the etcd followers, and the etcd leader last (a leader
 * stopping first would hand its leadership to a follower that is stopping too).
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { findAddressIndex, releaseAddressIndex } from './address-plan.ts';
import { releaseIndexOnMachine } from './machine-claims.ts';
import { contextName } from './cluster-name.ts';
import { readClusterRecord } from './cluster-record.ts';
import { clusterDir } from './k8ts-home.ts';
import { readProcessRecords, removeProcessRecord, stopRecordedProcess, type ProcessRecord, type StopOutcome } from './managed-process.ts';
import { parseProcessName } from './ha-layout.ts';
import { stopOrphanHaproxy } from './ha-runtime.ts';
import { etcdLeaderNode } from './ha-etcd.ts';
import { removeFromUserKubeconfig } from './user-kubeconfig.ts';
import { stopClusterPods } from './cluster-pods.ts';

export interface DownOptions {
  readonly home: string;
  readonly name: string;
  /** Also remove the cluster's data and kubeconfig entries. */
  readonly delete: boolean;
  /** The user's kubeconfig to remove the entries from; default per `userKubeconfigPath()`. */
  readonly userKubeconfig?: string;
  /** How long each process gets to exit after SIGTERM before SIGKILL. Default 20 s. */
  readonly graceMs?: number;
}

export interface DownResult {
  /** Whether the cluster's directory existed. */
  readonly existed: boolean;
  readonly processes: ReadonlyArray<{ readonly name: string; readonly pid: number; readonly outcome: StopOutcome }>;
  readonly deleted: boolean;
  /** Pod container instances that were still running and were stopped. */
  readonly podContainers: number;
  /** The user kubeconfig the cluster's entries were removed from, if any. */
  readonly kubeconfigCleaned?: string;
}

/**
 * Stops cluster `name`, and deletes it when asked.
 * @throws Error when the cluster does not exist and `delete` is not set (there is nothing to stop)
 */
export async function downCluster(opts: DownOptions): Promise<DownResult> {
  const dir = clusterDir(opts.home, opts.name);
  const existed = existsSync(dir);
  if (!existed && !opts.delete) throw new Error(`there is no cluster "${opts.name}" in ${opts.home}; \`k8ts up --name ${opts.name}\` creates it`);
  const processes: Array<{ name: string; pid: number; outcome: StopOutcome }> = [];
  const stop = async (record: ProcessRecord): Promise<void> => {
    const outcome = await stopRecordedProcess(record, opts.graceMs);
    processes.push({ name: record.name, pid: record.pid, outcome });
    await removeProcessRecord(dir, record.name);
  };
  for (const group of await stopOrder(dir, await readProcessRecords(dir))) await Promise.all(group.map(stop));
  await stopOrphanHaproxy(dir);
  // The kubelets are stopped now, so nothing restarts the pods: stop them (they outlive kubelets).
  // A damaged cluster.json must not block stopping or deleting the cluster it describes.
  const record = await readClusterRecord(dir).catch(() => undefined);
  const podContainers = await stopClusterPods(dir, record, opts.graceMs);
  if (!opts.delete) return { existed, processes, deleted: false, podContainers };

  const kubeconfigCleaned = await removeFromUserKubeconfig(contextName(opts.name), opts.userKubeconfig);
  const index = record?.index ?? (await findAddressIndex(opts.home, opts.name));
  if (index !== undefined) {
    await releaseAddressIndex(opts.home, opts.name, index);
    await releaseIndexOnMachine(index, dir);
  }
  await rm(dir, { recursive: true, force: true });
  return { existed, processes, deleted: existed, podContainers, ...(kubeconfigCleaned === undefined ? {} : { kubeconfigCleaned }) };
}

/** The records in groups to stop one after the other (see the file comment); each group in parallel. */
async function stopOrder(dir: string, records: readonly ProcessRecord[]): Promise<ProcessRecord[][]> {
  const of = (component: string): ProcessRecord[] => records.filter((r) => parseProcessName(r.name).component === component);
  const etcd = of('etcd');
  const leader = etcd.length > 1 ? await etcdLeaderNode(dir).catch(() => undefined) : undefined;
  const isLeader = (r: ProcessRecord): boolean => parseProcessName(r.name).node === leader;
  const known = new Set([...of('agent'), ...of('lb'), ...of('server'), ...etcd]);
  return [of('agent'), of('lb'), of('server'), records.filter((r) => !known.has(r)), etcd.filter((r) => !isLeader(r)), etcd.filter(isLeader)].filter((g) => g.length > 0);
}
