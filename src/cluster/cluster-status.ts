/**
 * `k8ts status`: a cluster's recorded processes, whether each is running (the recorded PID still
 * runs the recorded command line) and ready (its readiness URL answers 200; an etcd member when
 * it serves linearizable reads). For HA topologies also its nodes, the etcd members and quorum,
 * the load balancer's backends and the lease holders (ha-status.ts).
 *
 * Healthy means: every process running and ready, and for HA every etcd member serving and every
 * load balancer backend up.
 */
import { readClusterRecord, apiServerUrl, clusterNodes, type ClusterRecord, type NodeRole } from './cluster-record.ts';
import { describeLayout, layoutOf } from './ha-plan.ts';
import { parseProcessName } from './ha-layout.ts';
import { haStatus, type HaStatus } from './ha-status.ts';
import { clusterDir } from './k8ts-home.ts';
import { isRecordedProcessRunning, readProcessRecords } from './managed-process.ts';
import { probeReady } from './readiness.ts';
import { readAdminCredentials } from './server-files.ts';

export interface ProcessStatus {
  readonly name: string;
  readonly pid: number;
  readonly running: boolean;
  /** Undefined when the process has no readiness check or is not running. */
  readonly ready?: boolean;
  /** The readiness probe's answer, or why there is none. */
  readonly detail: string;
  readonly logFile: string;
}

/** A node and its processes. */
export interface NodeStatus {
  readonly name: string;
  readonly role: NodeRole;
  readonly address: string;
  readonly processes: readonly string[];
  /** Every process of the node running and ready. */
  readonly healthy: boolean;
}

export interface ClusterStatus {
  readonly record: ClusterRecord;
  readonly url: string;
  readonly nodes: readonly NodeStatus[];
  readonly processes: readonly ProcessStatus[];
  /** HA topologies only. */
  readonly ha?: HaStatus;
  /** See the file comment. */
  readonly healthy: boolean;
}

/**
 * The status of cluster `name`.
 * @throws Error when there is no such cluster
 */
export async function clusterStatus(home: string, name: string): Promise<ClusterStatus> {
  const dir = clusterDir(home, name);
  const record = await readClusterRecord(dir);
  if (record === undefined) throw new Error(`there is no cluster "${name}" in ${home}; \`k8ts up --name ${name}\` creates it`);
  const credentials = await readAdminCredentials(dir).catch(() => undefined);
  const records = await readProcessRecords(dir);
  const ha = record.topology === 'single' || records.length === 0 ? undefined : await haStatus(dir, record, credentials);
  const processes: ProcessStatus[] = [];
  for (const p of records) {
    const running = await isRecordedProcessRunning(p);
    const member = parseProcessName(p.name).component === 'etcd' ? ha?.etcd?.members.find((m) => m.node === parseProcessName(p.name).node) : undefined;
    if (!running) {
      processes.push({ name: p.name, pid: p.pid, running, detail: 'not running', logFile: p.logFile });
    } else if (member !== undefined) {
      const detail = member.problem === undefined ? `serving${member.status?.isLeader === true ? ' (leader)' : ''}` : member.problem;
      processes.push({ name: p.name, pid: p.pid, running, ready: member.problem === undefined, detail, logFile: p.logFile });
    } else if (p.readyUrl === undefined || credentials === undefined) {
      processes.push({ name: p.name, pid: p.pid, running, detail: p.readyUrl === undefined ? 'no readiness check' : 'no admin credentials to probe with', logFile: p.logFile });
    } else {
      const probe = await probeReady(p.readyUrl, credentials);
      processes.push({ name: p.name, pid: p.pid, running, ready: probe.ready, detail: probe.detail, logFile: p.logFile });
    }
  }
  const nodes = clusterNodes(record).map((n): NodeStatus => {
    const own = processes.filter((p) => (parseProcessName(p.name).node ?? (record.topology === 'single' ? 'cp-1' : undefined)) === n.name);
    return { name: n.name, role: n.role, address: n.address, processes: own.map((p) => p.name), healthy: own.length > 0 && own.every((p) => p.running && p.ready !== false) };
  });
  const processesHealthy = processes.length > 0 && processes.every((p) => p.running && p.ready !== false);
  const haHealthy =
    ha === undefined ||
    (ha.etcd !== undefined &&
      ha.etcd.members.every((m) => m.problem === undefined) &&
      ha.loadBalancer.backends !== undefined &&
      ha.loadBalancer.backends.every((b) => b.up));
  return { record, url: apiServerUrl(record), nodes, processes, ...(ha === undefined ? {} : { ha }), healthy: processesHealthy && haHealthy };
}

/** Lays out `rows` (the first is the header) in columns; the last column is not padded. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  return rows.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  '));
}

function nodeSection(status: ClusterStatus): string[] {
  return ['', ...table([['NODE', 'ROLE', 'ADDRESS', 'HEALTHY', 'PROCESSES'], ...status.nodes.map((n) => [n.name, n.role, n.address, n.healthy ? 'yes' : 'no', n.processes.join(', ') || '-'])])];
}

function haSections(ha: HaStatus): string[] {
  const lines: string[] = [''];
  if (ha.etcd === undefined) {
    lines.push(`etcd: cannot be read: ${ha.etcdError ?? 'unknown'}`);
  } else {
    lines.push(`etcd: ${ha.etcd.quorum.text}, leader ${ha.etcd.leader ?? 'none'}`);
    lines.push(
      ...table([
        ['MEMBER', 'ENDPOINT', 'LEADER', 'REVISION', 'RAFT TERM', 'RAFT INDEX', 'DETAIL'],
        ...ha.etcd.members.map((m) => [
          m.node,
          m.endpoint,
          m.status === undefined ? '-' : m.status.isLeader ? 'yes' : 'no',
          m.status === undefined ? '-' : String(m.status.revision),
          m.status === undefined ? '-' : String(m.status.raftTerm),
          m.status === undefined ? '-' : String(m.status.raftIndex),
          m.problem ?? 'serving',
        ]),
      ]),
    );
  }
  lines.push('');
  const lb = ha.loadBalancer;
  if (lb.backends === undefined) {
    lines.push(`load balancer (${lb.kind}) at ${lb.address}: backends cannot be read: ${lb.error ?? 'unknown'}`);
  } else {
    lines.push(`load balancer (${lb.kind}) at ${lb.address}: ${lb.backends.filter((b) => b.up).length}/${lb.backends.length} backends up`);
    lines.push(...table([['BACKEND', 'ADDRESS', 'UP', 'CONNECTIONS', 'DETAIL'], ...lb.backends.map((b) => [b.name, b.address, b.up ? 'yes' : 'no', String(b.connections), b.reason])]));
  }
  lines.push('');
  if (ha.leases === undefined) {
    lines.push(`leases: cannot be read: ${ha.leasesError ?? 'unknown'}`);
  } else {
    lines.push('leases (kube-system):');
    lines.push(
      ...table([
        ['LEASE', 'HOLDER', 'NODE', 'RENEWED', 'LIVE'],
        ...ha.leases.map((l) => [l.name, l.holder === '' ? '(released)' : l.holder, l.node ?? '-', l.renewedSecondsAgo === undefined ? '-' : `${l.renewedSecondsAgo}s ago`, l.live ? 'yes' : 'no']),
      ]),
    );
  }
  return lines;
}

/** The status as tables for the terminal. */
export function formatClusterStatus(status: ClusterStatus): string {
  const { record } = status;
  const state = status.healthy ? 'healthy' : status.processes.length === 0 ? 'stopped' : 'NOT healthy';
  const what = describeLayout(layoutOf(record));
  const lines = [`cluster ${record.name}: ${what}, apiserver ${status.url}, ${state}`];
  if (status.processes.length === 0) {
    lines.push(`no processes recorded (stopped); \`k8ts up --name ${record.name}\` starts it`);
    return lines.join('\n');
  }
  lines.push(...table([['PROCESS', 'PID', 'RUNNING', 'READY', 'DETAIL'], ...status.processes.map((p) => [p.name, String(p.pid), p.running ? 'yes' : 'no', p.ready === undefined ? '-' : p.ready ? 'yes' : 'no', p.detail])]));
  if (status.ha !== undefined || status.nodes.length > 1) lines.push(...nodeSection(status));
  if (status.ha !== undefined) lines.push(...haSections(status.ha));
  return lines.join('\n');
}
