/**
 * Backups of an HA cluster's etcd (`k8ts etcd snapshot save|restore`).
 *
 * save: streams a snapshot from the leader (or, without one reachable, the first member that
 * serves) into a file; etcd ends the stream with a checksum that restore verifies.
 *
 * restore: makes a NEW cluster from a snapshot: its record and certificates as `k8ts up` would
 * make them, then `etcdctl snapshot restore` into each etcd member's data directory (which gives
 * the data a fresh membership: the new cluster's nodes), then the usual startup. The apiservers
 * put the `kubernetes` Service and endpoints right for the new addresses; the old cluster's
 * apiserver leases expire and are collected.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { etcdNodes, readClusterRecord, writeClusterRecord, type ClusterRecord } from './cluster-record.ts';
import { endpointHealth, saveSnapshot } from './etcd-admin.ts';
import { defaultToken, memberDir, memberPaths, peerUrl } from './etcd-layout.ts';
import { findExecutable } from './etcd-member.ts';
import { etcdLeaderNode, readEtcdClientTls } from './ha-etcd.ts';
import { etcdDir } from './ha-layout.ts';
import { describeLayout, planHaRecord, type Layout } from './ha-plan.ts';
import { memberSpecOf } from './ha-processes.ts';
import { clientUrl } from './etcd-layout.ts';
import { allocateAddressIndex } from './address-plan.ts';
import { ensurePrivateDir } from '../pki/index.ts';
import { clusterDir } from './k8ts-home.ts';
import { openHaCluster } from './ha-runtime.ts';
import { addressesFree } from './ha-up.ts';
import { claimedAndFree } from './machine-claims.ts';

const execFileAsync = promisify(execFile);

/** Refuses a cluster without etcd, naming what to do instead. */
function requireEtcd(record: ClusterRecord): void {
  if (record.topology === 'single') {
    throw new Error(`cluster "${record.name}" is a single node on SQLite and has no etcd; back it up by copying its db/state.db while it is stopped (k8ts down --name ${record.name})`);
  }
}

/** Saves a snapshot of cluster `name`'s etcd into `file`. @returns the member it came from and the revision it holds at least */
export async function saveClusterSnapshot(home: string, name: string, file: string): Promise<{ member: string; revision: number }> {
  const dir = clusterDir(home, name);
  const record = await readClusterRecord(dir);
  if (record === undefined) throw new Error(`there is no cluster "${name}" in ${home}`);
  requireEtcd(record);
  const tls = await readEtcdClientTls(dir);
  const leader = await etcdLeaderNode(dir).catch(() => undefined);
  const nodes = [...etcdNodes(record)].sort((a, b) => (a.name === leader ? -1 : b.name === leader ? 1 : 0));
  for (const node of nodes) {
    const url = clientUrl(memberSpecOf(node));
    if ((await endpointHealth(url, tls)) !== undefined) continue;
    return { member: node.name, ...(await saveSnapshot(url, tls, file)) };
  }
  throw new Error(`no etcd member of cluster "${name}" serves (no quorum?): cannot take a snapshot; \`k8ts status --name ${name}\` shows the members`);
}

export interface RestoreOptions {
  readonly home: string;
  readonly name: string;
  readonly file: string;
  readonly layout: Layout;
  readonly progress: (line: string) => void;
}

/**
 * Creates cluster `name` (which must not exist) with `layout`, its etcd data restored from `file`.
 * The caller then starts it like any stopped cluster (`upCluster`).
 */
export async function restoreClusterSnapshot(opts: RestoreOptions): Promise<ClusterRecord> {
  if (opts.layout.topology === 'single') throw new Error('a snapshot restores into an HA cluster (--topology stacked or external), the ones that run etcd');
  const dir = clusterDir(opts.home, opts.name);
  if ((await readClusterRecord(dir)) !== undefined || existsSync(dir)) {
    throw new Error(`cluster "${opts.name}" exists; a snapshot restores into a new cluster: pick another --name, or delete it first (k8ts down --name ${opts.name} --delete)`);
  }
  const etcdctl = findExecutable('etcdctl');
  if (etcdctl === undefined) throw new Error('etcdctl is not on PATH: install it (Debian: apt-get install etcd-client) to restore snapshots');
  if (!existsSync(opts.file)) throw new Error(`snapshot file ${opts.file} does not exist`);
  await ensurePrivateDir(opts.home);
  const index = await allocateAddressIndex(opts.home, opts.name, claimedAndFree(dir, (i) => addressesFree(i, opts.layout)));
  const record = planHaRecord(opts.name, index, opts.layout, new Date());
  await ensurePrivateDir(dir);
  await writeClusterRecord(dir, record);
  try {
    await restoreMembers(dir, record, etcdctl, opts);
  } catch (err) {
    throw new Error(`${(err as Error).message}; remove the half-made cluster with \`k8ts down --name ${opts.name} --delete\``, { cause: err });
  }
  return record;
}

async function restoreMembers(dir: string, record: ClusterRecord, etcdctl: string, opts: RestoreOptions): Promise<void> {
  await openHaCluster(dir, record);
  opts.progress(`Restoring ${opts.file} into new cluster "${opts.name}" (${describeLayout(opts.layout)}) in ${dir}`);
  const members = etcdNodes(record);
  const initialCluster = members.map((n) => `${n.name}=${peerUrl(memberSpecOf(n))}`).join(',');
  for (const node of members) {
    const { dataDir } = memberPaths(etcdDir(dir), node.name);
    await mkdir(memberDir(etcdDir(dir), node.name), { recursive: true, mode: 0o700 });
    try {
      await execFileAsync(
        etcdctl,
        [
          'snapshot',
          'restore',
          opts.file,
          `--name=${node.name}`,
          `--data-dir=${dataDir}`,
          `--initial-cluster=${initialCluster}`,
          `--initial-cluster-token=${defaultToken}-${record.name}-${record.index}`,
          `--initial-advertise-peer-urls=${peerUrl(memberSpecOf(node))}`,
        ],
        { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 120_000 },
      );
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim();
      throw new Error(`etcdctl snapshot restore of ${opts.file} failed${stderr === undefined || stderr === '' ? '' : `: ${stderr}`}`, { cause: err });
    }
    opts.progress(`  etcd member ${node.name}: data restored`);
  }
}
