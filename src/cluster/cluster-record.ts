/**
 * `cluster.json`: what a local cluster is, written once when it is created and read by every
 * later command (`up` again, `down`, `status`, `kubeconfig`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivateFile } from '../pki/index.ts';
import type { NodeRole } from './address-plan.ts';

export type { NodeRole } from './address-plan.ts';

/**
 * How the cluster's control plane is laid out:
 * - `single`: one `k8ts server` on SQLite (no etcd, no load balancer);
 * - `stacked`: every control-plane node runs an etcd member and a `k8ts server` that talks only
 *   to that member, behind a load balancer;
 * - `external`: etcd runs on nodes of its own, every `k8ts server` talks to all of its members.
 */
export type ClusterTopology = 'single' | 'stacked' | 'external';

export const CLUSTER_TOPOLOGIES: readonly ClusterTopology[] = ['single', 'stacked', 'external'];

/** How worker nodes run pods: as local processes, or simulated (no processes, kwok-style). */
export type WorkerRuntime = 'process' | 'sim';

/** One node of a cluster. */
export interface NodeRecord {
  /** `cp-N`, `etcd-N` or `worker-N` (address-plan.ts). */
  readonly name: string;
  readonly role: NodeRole;
  /** Its own loopback address, 127.10.<index>.<host>. */
  readonly address: string;
  /**
   * For an etcd member that joined a running cluster (`k8ts node add`): the membership it was
   * announced into (`name=peerURL,...`), which its first start must name. Members of the
   * initial cluster bootstrap from the initial membership instead.
   */
  readonly etcdJoin?: string;
}

/** Which load balancer fronts the apiservers of an HA cluster. */
export type LoadBalancerKind = 'builtin' | 'haproxy';

export const LOAD_BALANCER_KINDS: readonly LoadBalancerKind[] = ['builtin', 'haproxy'];

export interface LoadBalancerRecord {
  readonly kind: LoadBalancerKind;
  readonly address: string;
  readonly port: number;
  /** Where the balancer reports its backends (`GET /backends`, JSON). */
  readonly statusPort: number;
}

export interface ClusterRecord {
  readonly name: string;
  readonly topology: ClusterTopology;
  /** Address index (see address-plan.ts): the cluster's addresses are 127.10.<index>.x. */
  readonly index: number;
  /** Where clients reach the apiserver: the node's apiserver (single), the load balancer (HA). */
  readonly apiServer: { readonly address: string; readonly port: number };
  /** ISO 8601. */
  readonly createdAt: string;
  /**
   * Every node, control planes first. HA topologies always have it; a `single` cluster only when
   * it has workers (else its one node is cp-1).
   */
  readonly nodes?: readonly NodeRecord[];
  /** HA topologies: the load balancer in front of the apiservers. */
  readonly loadBalancer?: LoadBalancerRecord;
  /** An even etcd member count was accepted with --force. */
  readonly force?: boolean;
  /** The workers' runtime when it is not `process`. */
  readonly workerRuntime?: WorkerRuntime;
}

/** The cluster's nodes: the recorded ones, or the single node cp-1. */
export function clusterNodes(record: ClusterRecord): readonly NodeRecord[] {
  return record.nodes ?? [{ name: 'cp-1', role: 'control-plane', address: record.apiServer.address }];
}

/** The nodes that hold etcd members (control planes when stacked, etcd nodes when external). */
export function etcdNodes(record: ClusterRecord): readonly NodeRecord[] {
  if (record.topology === 'single') return [];
  const role: NodeRole = record.topology === 'stacked' ? 'control-plane' : 'etcd';
  return clusterNodes(record).filter((n) => n.role === role);
}

/** The node called `name`, if the cluster has one. */
export function findNode(record: ClusterRecord, name: string): NodeRecord | undefined {
  return clusterNodes(record).find((n) => n.name === name);
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
    !CLUSTER_TOPOLOGIES.includes(value.topology as ClusterTopology) ||
    typeof value.index !== 'number' ||
    typeof value.apiServer?.address !== 'string' ||
    typeof value.apiServer.port !== 'number' ||
    (value.topology !== 'single' && !isHaShape(value))
  ) {
    throw new Error(`${path} is not a k8ts cluster record; remove the cluster with \`k8ts down --delete\``);
  }
  return value as ClusterRecord;
}

/** An HA record names its nodes and its load balancer. */
function isHaShape(value: Partial<ClusterRecord>): boolean {
  const nodes: unknown = value.nodes;
  const lb: unknown = value.loadBalancer;
  return (
    Array.isArray(nodes) &&
    nodes.every((n: Partial<NodeRecord>) => typeof n?.name === 'string' && typeof n.address === 'string' && typeof n.role === 'string') &&
    typeof lb === 'object' &&
    lb !== null &&
    LOAD_BALANCER_KINDS.includes((lb as LoadBalancerRecord).kind) &&
    typeof (lb as LoadBalancerRecord).address === 'string'
  );
}

export async function writeClusterRecord(dir: string, record: ClusterRecord): Promise<void> {
  await writePrivateFile(clusterRecordPath(dir), `${JSON.stringify(record, null, 2)}\n`);
}
