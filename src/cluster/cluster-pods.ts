/**
 * Stopping a cluster's pods. Pod processes outlive their kubelet on purpose (a kubelet restart
 * must not restart pods), so `k8ts down` stops them itself once every kubelet of the cluster is
 * stopped: `stopPodProcesses(<kubelet data dir>)` for each (SIGTERM, then SIGKILL after the grace
 * period, only to processes whose PID and start time match the kubelet's records).
 */
import { join } from 'node:path';
import { serverLayout } from './server-files.ts';

/** Kubelet data directories of cluster directory `dir`: the in-process kubelet's of its server. */
export function clusterKubeletDirs(dir: string): string[] {
  return [serverLayout(dir).kubeletDir];
}

/**
 * Stops the pod processes of every kubelet of the cluster in `dir` (call after its kubelets
 * stopped); `extraKubeletDirs` adds the data directories of kubelets the cluster runs elsewhere.
 * @returns the number of container instances that were running
 */
export async function stopClusterPods(dir: string, graceMs = 10_000, extraKubeletDirs: readonly string[] = []): Promise<number> {
  const dirs = [...clusterKubeletDirs(dir), ...extraKubeletDirs.map((d) => join(d))];
  // Loaded here: the kubelet's code is needed only when there are pods to stop.
  const { stopPodProcesses } = await import('../kubelet/runtime/process/process-runtime.ts');
  const counts = await Promise.all(dirs.map((d) => stopPodProcesses(d, graceMs)));
  return counts.reduce((a, b) => a + b, 0);
}
