/**
 * The etcd cluster of an HA k8ts cluster as an operator sees it: each member's own report
 * (leader, revision, raft term), the quorum over the recorded membership, the leader's node.
 * All calls go to the members directly with k8ts' own etcd client certificate.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EtcdTlsOptions } from '../storage/etcd/etcd-client.ts';
import { etcdNodes, readClusterRecord, type ClusterRecord } from './cluster-record.ts';
import { endpointHealth, endpointStatus, memberList, type EtcdEndpointStatus, type EtcdMemberInfo } from './etcd-admin.ts';
import { etcdPkiDir } from './etcd-pki.ts';
import { summarizeQuorum, type QuorumSummary } from './etcd-quorum.ts';
import { etcdDir } from './ha-layout.ts';
import { etcdEndpoints, memberSpecOf } from './ha-processes.ts';
import { clientUrl } from './etcd-layout.ts';

/** k8ts' etcd client credentials for the cluster in `dir` (read, never created). */
export async function readEtcdClientTls(dir: string): Promise<EtcdTlsOptions> {
  const pki = etcdPkiDir(etcdDir(dir));
  const read = (file: string): Promise<string> => readFile(join(pki, file), 'utf8');
  const [caPem, certPem, keyPem] = await Promise.all([read('ca.crt'), read('client.crt'), read('client.key')]);
  return { caPem, certPem, keyPem };
}

/** One member of the cluster's etcd: its node, and what it reports (or why it does not). */
export interface EtcdMemberReport {
  readonly node: string;
  readonly endpoint: string;
  readonly status?: EtcdEndpointStatus;
  /** Serves linearizable reads (undefined) or why not. */
  readonly problem?: string;
}

/** What the cluster's etcd looks like now. */
export interface EtcdReport {
  readonly members: readonly EtcdMemberReport[];
  /** The node of the member every serving member names leader, if any. */
  readonly leader?: string;
  readonly quorum: QuorumSummary;
  /** The membership as etcd records it (when a quorum answers). */
  readonly membership?: readonly EtcdMemberInfo[];
}

/** Asks every member of `record`'s etcd about itself, and the cluster about its membership. */
export async function etcdReport(record: ClusterRecord, tls: EtcdTlsOptions): Promise<EtcdReport> {
  const nodes = etcdNodes(record);
  const members = await Promise.all(
    nodes.map(async (node): Promise<EtcdMemberReport> => {
      const endpoint = clientUrl(memberSpecOf(node));
      const [status, problem] = await Promise.all([endpointStatus(endpoint, tls, 1_000).catch(() => undefined), endpointHealth(endpoint, tls, 1_000)]);
      return { node: node.name, endpoint, ...(status === undefined ? {} : { status }), ...(problem === undefined ? {} : { problem: problem.replace(/\s+/g, ' ') }) };
    }),
  );
  const membership = await memberList(etcdEndpoints(record), tls, 2_000).catch(() => undefined);
  const leaderId = members.find((m) => m.status?.isLeader === true && m.problem === undefined)?.status?.memberId;
  const leader = members.find((m) => m.status?.memberId === leaderId)?.node;
  const total = membership?.length ?? nodes.length;
  const quorum = summarizeQuorum(total, members.filter((m) => m.problem === undefined).length);
  return { members, ...(leader === undefined ? {} : { leader }), quorum, ...(membership === undefined ? {} : { membership }) };
}

/** The node of the etcd leader of the cluster in `dir`, if it has one now. */
export async function etcdLeaderNode(dir: string): Promise<string | undefined> {
  const record = await readClusterRecord(dir);
  if (record === undefined || record.topology === 'single') return undefined;
  const tls = await readEtcdClientTls(dir);
  const statuses = await Promise.all(etcdNodes(record).map((n) => endpointStatus(clientUrl(memberSpecOf(n)), tls, 1_000).then((s) => ({ node: n.name, s }), () => undefined)));
  return statuses.find((x) => x?.s.isLeader === true)?.node;
}
