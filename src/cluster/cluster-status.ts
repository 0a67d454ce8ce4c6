/**
 * `k8ts status`: a cluster's recorded processes, whether each is running (the recorded PID still
 * runs the recorded command line) and ready (its readiness URL answers 200).
 */
import { readClusterRecord, apiServerUrl, type ClusterRecord } from './cluster-record.ts';
import { clusterDir } from './k8ts-home.ts';
import { isRecordedProcessRunning, readProcessRecords } from './managed-process.ts';
import { probeReady } from './readiness.ts';
import { readAdminCredentials } from './server-files.ts';

export interface ProcessStatus {
  readonly name: string;
  readonly pid: number;
  readonly running: boolean;
  /** Undefined when the process has no readiness URL or is not running. */
  readonly ready?: boolean;
  /** The readiness probe's answer, or why there is none. */
  readonly detail: string;
  readonly logFile: string;
}

export interface ClusterStatus {
  readonly record: ClusterRecord;
  readonly url: string;
  readonly processes: readonly ProcessStatus[];
  /** Every process running and, where it can tell, ready. */
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
  const processes: ProcessStatus[] = [];
  for (const p of await readProcessRecords(dir)) {
    const running = await isRecordedProcessRunning(p);
    if (!running) {
      processes.push({ name: p.name, pid: p.pid, running, detail: 'not running', logFile: p.logFile });
    } else if (p.readyUrl === undefined || credentials === undefined) {
      processes.push({ name: p.name, pid: p.pid, running, detail: p.readyUrl === undefined ? 'no readiness check' : 'no admin credentials to probe with', logFile: p.logFile });
    } else {
      const probe = await probeReady(p.readyUrl, credentials);
      processes.push({ name: p.name, pid: p.pid, running, ready: probe.ready, detail: probe.detail, logFile: p.logFile });
    }
  }
  const healthy = processes.length > 0 && processes.every((p) => p.running && p.ready !== false);
  return { record, url: apiServerUrl(record), processes, healthy };
}

/** The status as a short table for the terminal. */
export function formatClusterStatus(status: ClusterStatus): string {
  const { record } = status;
  const state = status.healthy ? 'healthy' : status.processes.length === 0 ? 'stopped' : 'NOT healthy';
  const lines = [`cluster ${record.name}: ${record.topology} node, apiserver ${status.url}, ${state}`];
  if (status.processes.length === 0) {
    lines.push(`no processes recorded (stopped); \`k8ts up --name ${record.name}\` starts it`);
    return lines.join('\n');
  }
  const rows = [['PROCESS', 'PID', 'RUNNING', 'READY', 'DETAIL'], ...status.processes.map((p) => [p.name, String(p.pid), p.running ? 'yes' : 'no', p.ready === undefined ? '-' : p.ready ? 'yes' : 'no', p.detail])];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  for (const row of rows) lines.push(row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  '));
  return lines.join('\n');
}
