/**
 * `k8ts up` for the HA topologies: creates the cluster (its record, certificates, etcd cluster,
 * apiservers and load balancer), or brings back whatever of it is not running, in four steps,
 * each behind its health gate and reported with the time elapsed:
 *
 *   [1/4] certificates        the cluster CA, the etcd CA, every node's certificates
 *   [2/4] etcd                every member serves (the cluster has a leader and a full quorum)
 *   [3/4] apiservers          each answers /readyz 200
 *   [4/4] load balancer       it reports every apiserver up and passes /readyz through
 *   [5/5] workers             (when the cluster has any) each worker's Node is Ready
 *
 * A stopped cluster starts with its data: etcd members restart from their data directories,
 * where the bootstrap flags are ignored, so the membership is whatever it was when stopped.
 */
import { APISERVER_PORT, allocateAddressIndex, ETCD_CLIENT_PORT, ETCD_PEER_PORT, isAddressFree, LB_STATUS_PORT, loadBalancerAddress } from './address-plan.ts';
import { KUBELET_PORT } from '../kubelet/ports.ts';
import { clusterNodes, etcdNodes, writeClusterRecord, type ClusterRecord } from './cluster-record.ts';
import { summarizeQuorum } from './etcd-quorum.ts';
import { describeLayout, layoutOf, planHaRecord, type Layout } from './ha-plan.ts';
import { openHaCluster, startAgents, startEtcdMembers, startLoadBalancer, startServers } from './ha-runtime.ts';
import { ensurePrivateDir } from '../pki/index.ts';
import { isRecordedProcessRunning, readProcessRecords } from './managed-process.ts';
import { processName } from './ha-layout.ts';
import { findHaproxy } from './ha-processes.ts';
import { findEtcdBinary } from './etcd-member.ts';
import { claimedAndFree } from './machine-claims.ts';

export interface HaUpOptions {
  readonly home: string;
  readonly name: string;
  readonly dir: string;
  /** The existing record, or the layout of a new cluster. */
  readonly existing: ClusterRecord | undefined;
  readonly layout: Layout;
  readonly timeoutMs: number;
  readonly progress: (line: string) => void;
  readonly startedAt: number;
}

export interface HaUpResult {
  readonly outcome: 'created' | 'restarted' | 'already-running';
  readonly record: ClusterRecord;
  /** How many processes the cluster has running now. */
  readonly processes: number;
}

/** Whether every address:port a new cluster with index `index` binds is free. */
export async function addressesFree(index: number, layout: Layout): Promise<boolean> {
  const probes: Array<[string, number]> = [
    [loadBalancerAddress(index), APISERVER_PORT],
    [loadBalancerAddress(index), LB_STATUS_PORT],
  ];
  const record = planHaRecord('probe', index, layout, new Date());
  for (const node of clusterNodes(record)) {
    if (node.role === 'control-plane') probes.push([node.address, APISERVER_PORT]);
    if (node.role !== 'etcd') probes.push([node.address, KUBELET_PORT]);
    if (etcdNodes(record).includes(node)) probes.push([node.address, ETCD_CLIENT_PORT], [node.address, ETCD_PEER_PORT]);
  }
  for (const [address, port] of probes) if (!(await isAddressFree(address, port))) return false;
  return true;
}

/** The processes of `record` that should run, by name. */
function expectedProcesses(record: ClusterRecord): string[] {
  return [
    ...etcdNodes(record).map((n) => processName(n.name, 'etcd')),
    ...clusterNodes(record)
      .filter((n) => n.role === 'control-plane')
      .map((n) => processName(n.name, 'server')),
    processName(undefined, 'lb'),
    ...clusterNodes(record)
      .filter((n) => n.role === 'worker')
      .map((n) => processName(n.name, 'agent')),
  ];
}

/** How many of `record`'s processes run now. */
export async function runningProcessCount(dir: string, record: ClusterRecord): Promise<{ running: number; expected: number }> {
  const expected = expectedProcesses(record);
  const records = await readProcessRecords(dir);
  let running = 0;
  for (const name of expected) {
    const r = records.find((p) => p.name === name);
    if (r !== undefined && (await isRecordedProcessRunning(r))) running++;
  }
  return { running, expected: expected.length };
}

/** Brings an HA cluster up (see the file comment). */
export async function upHaCluster(opts: HaUpOptions): Promise<HaUpResult> {
  const { dir, progress } = opts;
  const elapsed = (): string => `${((Date.now() - opts.startedAt) / 1000).toFixed(1)}s`;
  let record = opts.existing;
  let outcome: HaUpResult['outcome'] = 'restarted';
  if (record === undefined) {
    if (findEtcdBinary() === undefined) throw new Error('the etcd binary is not on PATH: install etcd (Debian: apt-get install etcd-server) to run HA topologies');
    if (opts.layout.lb === 'haproxy' && findHaproxy() === undefined) throw new Error('--lb haproxy: haproxy is not installed (Debian: apt-get install haproxy); or use --lb builtin');
    await ensurePrivateDir(opts.home);
    const index = await allocateAddressIndex(opts.home, opts.name, claimedAndFree(dir, (i) => addressesFree(i, opts.layout)));
    record = planHaRecord(opts.name, index, opts.layout, new Date());
    await ensurePrivateDir(dir);
    await writeClusterRecord(dir, record);
    outcome = 'created';
    progress(`Creating cluster "${opts.name}" (${describeLayout(opts.layout)}) at https://${record.apiServer.address}:${record.apiServer.port} in ${dir}`);
  } else {
    const { running, expected } = await runningProcessCount(dir, record);
    if (running === expected) outcome = 'already-running';
    else progress(`Starting cluster "${opts.name}" (${describeLayout(layoutOf(record))}): ${expected - running} of ${expected} processes not running; data in ${dir}`);
  }

  const cluster = await openHaCluster(dir, record);
  const workers = clusterNodes(record).filter((n) => n.role === 'worker');
  const step = (k: number): string => `[${k}/${workers.length > 0 ? 5 : 4}]`;
  const controlPlanes = clusterNodes(record).filter((n) => n.role === 'control-plane');
  const members = etcdNodes(record);
  if (outcome !== 'already-running') {
    progress(`${step(1)} certificates: cluster CA, etcd CA, ${controlPlanes.length} apiservers, ${members.length} etcd members (${elapsed()})`);
  }
  const started = await startEtcdMembers(cluster, members, opts.timeoutMs);
  if (outcome !== 'already-running' || started > 0) {
    progress(`${step(2)} etcd: ${members.map((m) => m.name).join(', ')} serving; ${summarizeQuorum(members.length, members.length).text} (${elapsed()})`);
  }
  const ready: string[] = [];
  await startServers(cluster, controlPlanes, opts.timeoutMs, (node) => ready.push(node));
  if (outcome !== 'already-running') progress(`${step(3)} apiservers: ${ready.join(', ')} ready (${elapsed()})`);
  const lb = record.loadBalancer!;
  await startLoadBalancer(cluster, opts.timeoutMs, controlPlanes.map((n) => n.name));
  if (outcome !== 'already-running') {
    progress(`${step(4)} load balancer (${lb.kind}) at https://${lb.address}:${lb.port}: backends ${controlPlanes.map((n) => n.name).join(', ')} up, /readyz passes (${elapsed()})`);
  }
  if (workers.length > 0) {
    await startAgents(cluster, workers, opts.timeoutMs);
    if (outcome !== 'already-running') progress(`${step(5)} workers: ${workers.map((n) => n.name).join(', ')} Ready (${elapsed()})`);
  }
  const { running } = await runningProcessCount(dir, record);
  return { outcome, record, processes: running };
}
