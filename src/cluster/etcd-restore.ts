/**
 * Disaster recovery: a snapshot saved with EtcdCluster.snapshotSave becomes a new cluster, with
 * the data of the old one and a membership of its own.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { EtcdCluster, type EtcdClusterOptions } from './etcd-cluster.ts';
import { checkMembers, defaultToken, memberDir, memberPaths, peerUrl } from './etcd-layout.ts';
import { findExecutable } from './etcd-member.ts';

const execFileAsync = promisify(execFile);

/**
 * Restores `snapshotFile` into new data directories for the members of `options` (with
 * `etcdctl snapshot restore`, which checks the snapshot's checksum and gives the data a fresh
 * membership), then starts them as a new cluster. The members' data directories must not exist.
 */
export async function restoreEtcdCluster(snapshotFile: string, options: EtcdClusterOptions, etcdctl = 'etcdctl'): Promise<EtcdCluster> {
  checkMembers(options.members, options.force ?? false);
  const binary = findExecutable(etcdctl);
  if (binary === undefined) throw new Error('etcdctl not found on PATH (install etcd-client)');
  const initialCluster = options.members.map((m) => `${m.name}=${peerUrl(m)}`).join(',');
  for (const spec of options.members) {
    const { dataDir } = memberPaths(options.dir, spec.name);
    if (existsSync(dataDir)) throw new Error(`refusing to restore over existing data: ${dataDir}`);
    mkdirSync(memberDir(options.dir, spec.name), { recursive: true, mode: 0o700 });
    await execFileAsync(
      binary,
      [
        'snapshot',
        'restore',
        snapshotFile,
        `--name=${spec.name}`,
        `--data-dir=${dataDir}`,
        `--initial-cluster=${initialCluster}`,
        `--initial-cluster-token=${options.token ?? defaultToken}`,
        `--initial-advertise-peer-urls=${peerUrl(spec)}`,
      ],
      { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 60_000 },
    );
  }
  return EtcdCluster.start(options);
}
