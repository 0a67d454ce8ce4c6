/**
 * `k8ts node start`: the processes of one node of an HA cluster again, from the cluster's record,
 * behind the same health gates as `k8ts up`: its etcd member first (it serves once it has
 * rejoined the quorum and caught up), then its apiserver. The load balancer takes the apiserver
 * back by itself once its checks pass.
 */
import { etcdNodes, type ClusterRecord, type NodeRecord } from './cluster-record.ts';
import { openHaCluster, startAgents, startEtcdMembers, startServers } from './ha-runtime.ts';
import { isRecordedProcessRunning } from './managed-process.ts';
import { nodeProcessRecords } from './node-ops.ts';

/**
 * Starts the processes of HA node `node` that are not running, behind their health gates.
 * @returns the names of the processes that were started
 */
export async function startHaNode(dir: string, record: ClusterRecord, node: NodeRecord, timeoutMs: number, progress: (line: string) => void): Promise<string[]> {
  const before = new Set(await runningNames(dir, record, node.name));
  const cluster = await openHaCluster(dir, record);
  const startedAt = Date.now();
  const elapsed = (): string => `${((Date.now() - startedAt) / 1000).toFixed(1)}s`;
  if (etcdNodes(record).some((n) => n.name === node.name)) {
    await startEtcdMembers(cluster, [node], timeoutMs);
    progress(`  etcd member ${node.name} serving (rejoined the quorum) (${elapsed()})`);
  }
  if (node.role === 'control-plane') {
    await startServers(cluster, [node], timeoutMs);
    progress(`  apiserver on ${node.name} ready (${elapsed()})`);
  }
  if (node.role === 'worker') {
    await startAgents(cluster, [node], timeoutMs);
    progress(`  agent on ${node.name} running, its Node Ready (${elapsed()})`);
  }
  const after = await runningNames(dir, record, node.name);
  return after.filter((n) => !before.has(n));
}

async function runningNames(dir: string, record: ClusterRecord, node: string): Promise<string[]> {
  const names: string[] = [];
  for (const p of await nodeProcessRecords(dir, record, node)) if (await isRecordedProcessRunning(p)) names.push(p.name);
  return names;
}
