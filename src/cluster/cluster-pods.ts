/**
 * Stopping a cluster's pods. Pod processes outlive their kubelet on purpose (a kubelet restart
 * must not restart pods), so `k8ts down` stops them itself once every kubelet of the cluster is
 * stopped, and `k8ts node kill` kills a node's pods with its processes (a node that dies takes
 * its pods with it): `stopPodProcesses(<kubelet data dir>)` for each kubelet (SIGTERM, then
 * SIGKILL after the grace period, only to processes whose PID and start time match the
 * kubelet's records).
 */
import { clusterNodes, type ClusterRecord, type NodeRecord } from './cluster-record.ts';
import { nodeDir } from './ha-layout.ts';
import { serverLayout } from './server-files.ts';

/**
 * The kubelet data directory of `node`: a worker's agent keeps its pods in the node's directory,
 * a control plane's in-process kubelet under its server's data directory (the cluster's own for
 * a single-node cluster); an etcd node has none.
 */
export function nodeKubeletDir(dir: string, record: ClusterRecord, node: NodeRecord): string | undefined {
  if (node.role === 'worker') return nodeDir(dir, node.name);
  if (node.role === 'control-plane') return serverLayout(record.topology === 'single' ? dir : nodeDir(dir, node.name)).kubeletDir;
  return undefined;
}

/** The kubelet data directories of the cluster in `dir` (without a readable record: the single node's). */
export function clusterKubeletDirs(dir: string, record: ClusterRecord | undefined): string[] {
  if (record === undefined) return [serverLayout(dir).kubeletDir];
  return clusterNodes(record).flatMap((n) => nodeKubeletDir(dir, record, n) ?? []);
}

async function stopIn(dirs: readonly string[], graceMs: number): Promise<number> {
  // Loaded here: the kubelet's code is needed only when there are pods to stop.
  const { stopPodProcesses } = await import('../kubelet/runtime/process/process-runtime.ts');
  const counts = await Promise.all(dirs.map((d) => stopPodProcesses(d, graceMs)));
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * Stops the pod processes of every kubelet of the cluster in `dir` (call after its kubelets stopped).
 * @returns the number of container instances that were running
 */
export function stopClusterPods(dir: string, record: ClusterRecord | undefined, graceMs = 10_000): Promise<number> {
  return stopIn(clusterKubeletDirs(dir, record), graceMs);
}

/**
 * Stops the pod processes of `node` (call after its kubelet stopped); `graceMs` 0 SIGKILLs them
 * at once, as a node that dies would.
 * @returns the number of container instances that were running
 */
export function stopNodePods(dir: string, record: ClusterRecord, node: NodeRecord, graceMs: number): Promise<number> {
  const kubeletDir = nodeKubeletDir(dir, record, node);
  return kubeletDir === undefined ? Promise.resolve(0) : stopIn([kubeletDir], graceMs);
}
