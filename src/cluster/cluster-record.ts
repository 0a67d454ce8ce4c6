/**
 * `cluster.json`: what a local cluster is, written once when it is created and read by every
 * later command (`up` again, `down`, `status`, `kubeconfig`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivateFile } from '../pki/index.ts';

/** How the cluster's control plane is laid out; only the single-node SQLite cluster exists so far. */
export type ClusterTopology = 'single';

export interface ClusterRecord {
  readonly name: string;
  readonly topology: ClusterTopology;
  /** Address index (see address-plan.ts): the cluster's addresses are 127.10.<index>.x. */
  readonly index: number;
  /** Where clients reach the apiserver. */
  readonly apiServer: { readonly address: string; readonly port: number };
  /** ISO 8601. */
  readonly createdAt: string;
}

export function clusterRecordPath(dir: string): string {
  return join(dir, 'cluster.json');
}

/** The apiserver URL clients use. */
export function apiServerUrl(record: ClusterRecord): string {
  return `https://${record.apiServer.address}:${record.apiServer.port}`;
}

/**
 * Reads `<dir>/cluster.json`; undefined when there is none (no such cluster).
 * @throws Error naming the file when it exists but is not a cluster record
 */
export async function readClusterRecord(dir: string): Promise<ClusterRecord | undefined> {
  const path = clusterRecordPath(dir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let value: Partial<ClusterRecord>;
  try {
    value = JSON.parse(text) as Partial<ClusterRecord>;
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}); remove the cluster with \`k8ts down --delete\``, { cause: err });
  }
  if (
    typeof value.name !== 'string' ||
    value.topology !== 'single' ||
    typeof value.index !== 'number' ||
    typeof value.apiServer?.address !== 'string' ||
    typeof value.apiServer.port !== 'number'
  ) {
    throw new Error(`${path} is not a k8ts cluster record; remove the cluster with \`k8ts down --delete\``);
  }
  return value as ClusterRecord;
}

export async function writeClusterRecord(dir: string, record: ClusterRecord): Promise<void> {
  await writePrivateFile(clusterRecordPath(dir), `${JSON.stringify(record, null, 2)}\n`);
}
