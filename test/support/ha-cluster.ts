/**
 * Helpers for end-to-end tests of HA clusters booted with `k8ts up` (cli-cluster.ts): the
 * cluster's record and admin credentials, `k8ts status -o json`, the `kubernetes` endpoints, and
 * a write load through the load balancer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { endpointsType } from '../../src/api/core/v1/endpoints.ts';
import { Clientset } from '../../src/client/index.ts';
import type { ClusterRecord } from '../../src/cluster/cluster-record.ts';
import type { ClusterStatus } from '../../src/cluster/cluster-status.ts';
import type { EtcdMemberReport } from '../../src/cluster/ha-etcd.ts';
import { eventually, type CliCluster } from './cli-cluster.ts';
import { WriteLoad, type WriteLoadOptions } from './write-load.ts';

export interface Credentials {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export function clusterDirOf(cluster: CliCluster, name = cluster.name): string {
  return join(cluster.env.K8TS_HOME!, name);
}

export function recordOf(cluster: CliCluster, name = cluster.name): ClusterRecord {
  return JSON.parse(readFileSync(join(clusterDirOf(cluster, name), 'cluster.json'), 'utf8')) as ClusterRecord;
}

export function credentialsOf(cluster: CliCluster, name = cluster.name): Credentials {
  const pki = join(clusterDirOf(cluster, name), 'pki');
  return { caPem: readFileSync(join(pki, 'ca.crt'), 'utf8'), certPem: readFileSync(join(pki, 'admin.crt'), 'utf8'), keyPem: readFileSync(join(pki, 'admin.key'), 'utf8') };
}

/** The URL clients use: the load balancer of an HA cluster. */
export function urlOf(cluster: CliCluster, name = cluster.name): string {
  const r = recordOf(cluster, name);
  return `https://${r.apiServer.address}:${r.apiServer.port}`;
}

/** A client of the cluster through its load balancer. */
export function clientOf(cluster: CliCluster, name = cluster.name): Clientset {
  const c = credentialsOf(cluster, name);
  return Clientset.fromOptions({ endpoints: [urlOf(cluster, name)], ca: c.caPem, cert: c.certPem, key: c.keyPem, requestTimeoutMs: 5_000 });
}

/** `k8ts status -o json`, parsed, with its exit code. */
export async function statusOf(cluster: CliCluster, name = cluster.name): Promise<{ code: number; status: ClusterStatus }> {
  const r = await cluster.k8ts(['status', '--name', name, '-o', 'json'], 60_000);
  try {
    return { code: r.code, status: JSON.parse(r.stdout) as ClusterStatus };
  } catch {
    throw new Error(`k8ts status -o json gave no JSON (${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

/** Waits (bounded) until `k8ts status` reports the cluster healthy; returns that status. */
export function waitHealthy(cluster: CliCluster, timeoutMs = 60_000, name = cluster.name): Promise<ClusterStatus> {
  return eventually(
    `cluster ${name} healthy`,
    async () => {
      const { code, status } = await statusOf(cluster, name);
      return code === 0 && status.healthy ? status : undefined;
    },
    timeoutMs,
  );
}

/** The addresses the `kubernetes` Endpoints list, sorted. */
export async function kubernetesEndpointIps(client: Clientset): Promise<string[]> {
  const ep = await client.resource(endpointsType).get('kubernetes', { namespace: 'default' });
  const subsets = (ep.subsets ?? []) as Array<{ addresses?: Array<{ ip: string }> }>;
  return subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
}

/** Runs `k8ts <args>`, failing the test with its output when it fails. */
export async function k8tsOk(cluster: CliCluster, args: readonly string[], timeoutMs = 180_000): Promise<string> {
  const r = await cluster.k8ts(args, timeoutMs);
  assert.equal(r.code, 0, `k8ts ${args.join(' ')} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

/** A write load through the cluster's load balancer, started. */
export function startWriteLoad(cluster: CliCluster, prefix: string, extra: Partial<WriteLoadOptions> = {}): WriteLoad {
  const load = new WriteLoad({ url: urlOf(cluster), credentials: credentialsOf(cluster), prefix, ...extra });
  load.start();
  return load;
}

/** Stops the load and asserts that no acknowledged write was lost; returns the counts. */
export async function stopAndVerify(load: WriteLoad): Promise<{ objects: number; acks: number }> {
  await load.stop();
  const result = await load.verify();
  assert.deepEqual(result.lost, [], `acknowledged writes lost (of ${result.acks} acknowledged)`);
  assert.ok(result.acks > 0, 'the load acknowledged writes');
  return result;
}

/** The etcd member of `node` as status reports it. */
export function memberOf(status: ClusterStatus, node: string): EtcdMemberReport | undefined {
  return status.ha?.etcd?.members.find((m) => m.node === node);
}
