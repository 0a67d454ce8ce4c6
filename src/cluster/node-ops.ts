/**
 * Chaos and maintenance on one node of a running cluster (`k8ts node kill|stop|start`):
 * - kill: SIGKILL every process of the node at once (a crash or a power cut), each by its
 *   recorded PID, and only after checking that PID still runs the recorded command line; then
 *   its pods' processes, which outlive a kubelet but not the node it runs on;
 * - stop: a clean shutdown, the apiserver first (it leaves the endpoints and drains while its
 *   etcd member still serves), then the etcd member (SIGTERM, SIGKILL after a grace period);
 * - start (node-start.ts): the node's processes again, from the cluster's record, behind the
 *   same health gates as `k8ts up`.
 * Process records stay in place through kill and stop, so `k8ts status` shows what is down.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterNodes, findNode, readClusterRecord, type ClusterRecord, type NodeRecord } from './cluster-record.ts';
import { stopNodePods } from './cluster-pods.ts';
import { parseProcessName } from './ha-layout.ts';
import { clusterDir } from './k8ts-home.ts';
import { isRecordedProcessRunning, readProcessRecords, stopRecordedProcess, type ProcessRecord, type StopOutcome } from './managed-process.ts';

/** The cluster in `home` called `name`, and its node `node`. @throws Error naming what is missing */
export async function loadNode(home: string, name: string, node: string): Promise<{ dir: string; record: ClusterRecord; node: NodeRecord }> {
  const dir = clusterDir(home, name);
  const record = await readClusterRecord(dir);
  if (record === undefined) throw new Error(`there is no cluster "${name}" in ${home}; \`k8ts up --name ${name}\` creates it`);
  const found = findNode(record, node);
  if (found === undefined) {
    throw new Error(`cluster "${name}" has no node "${node}"; its nodes: ${clusterNodes(record).map((n) => n.name).join(', ')}`);
  }
  return { dir, record, node: found };
}

/** The process records of `node` (a single-node cluster's `server` is node cp-1's). */
export async function nodeProcessRecords(dir: string, record: ClusterRecord, node: string): Promise<ProcessRecord[]> {
  return (await readProcessRecords(dir)).filter((p) => (parseProcessName(p.name).node ?? (record.topology === 'single' && p.name === 'server' ? 'cp-1' : undefined)) === node);
}

/** What happened to one process. */
export interface NodeProcessOutcome {
  readonly name: string;
  readonly pid: number;
  readonly outcome: 'killed' | StopOutcome;
}

/** SIGKILLs every process of `node` (see the file comment) and waits (bounded) until they are gone. */
export async function killNode(home: string, name: string, node: string): Promise<NodeProcessOutcome[]> {
  const { dir, record, node: found } = await loadNode(home, name, node);
  const outcomes: NodeProcessOutcome[] = [];
  const victims: ProcessRecord[] = [];
  for (const p of await nodeProcessRecords(dir, record, node)) {
    if (!(await isRecordedProcessRunning(p))) {
      outcomes.push({ name: p.name, pid: p.pid, outcome: 'not-running' });
      continue;
    }
    victims.push(p);
  }
  for (const p of victims) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
    outcomes.push({ name: p.name, pid: p.pid, outcome: 'killed' });
  }
  // Gone means no longer running the recorded command line (a zombie has none).
  const deadline = Date.now() + 5_000;
  while ((await Promise.all(victims.map((p) => isRecordedProcessRunning(p)))).some(Boolean)) {
    if (Date.now() >= deadline) throw new Error(`processes of ${node} still run 5 s after SIGKILL: ${victims.map((p) => p.pid).join(', ')}`);
    await sleep(20);
  }
  await stopNodePods(dir, record, found, 0);
  return outcomes;
}

/** Stops every process of `node` cleanly: apiserver first, etcd member last. */
export async function stopNode(home: string, name: string, node: string, graceMs = 20_000): Promise<NodeProcessOutcome[]> {
  const { dir, record } = await loadNode(home, name, node);
  const records = await nodeProcessRecords(dir, record, node);
  const rank = (p: ProcessRecord): number => (parseProcessName(p.name).component === 'etcd' ? 1 : 0);
  const outcomes: NodeProcessOutcome[] = [];
  for (const p of [...records].sort((a, b) => rank(a) - rank(b))) {
    outcomes.push({ name: p.name, pid: p.pid, outcome: await stopRecordedProcess(p, graceMs) });
  }
  return outcomes;
}
