/**
 * Where a local etcd cluster's members listen and keep their files, shared by starting,
 * restoring and stopping a cluster. Layout under a cluster directory:
 *   pki/ca.{crt,key}            the etcd CA (separate from the cluster CA)
 *   pki/client.{crt,key}        client certificate for apiservers (and admin calls)
 *   members/<name>/tls/...      the member's server and peer certificates
 *   members/<name>/data/        its data directory
 *   members/<name>/etcd.log     its output;   members/<name>/etcd.pid   its PID while it runs
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stopByPidFile } from './etcd-member.ts';

/** Where one member listens. */
export interface EtcdMemberSpec {
  readonly name: string;
  /** A loopback address of its own, e.g. 127.0.10.1; its certificates name it. */
  readonly ip: string;
  /** Default 2379. */
  readonly clientPort?: number;
  /** Default 2380. */
  readonly peerPort?: number;
}

/** The default bootstrap token: distinguishes one cluster's members from another's. */
export const defaultToken = 'k8ts-etcd';

/** The member's client URL. */
export function clientUrl(spec: EtcdMemberSpec): string {
  return `https://${spec.ip}:${spec.clientPort ?? 2379}`;
}

/** The member's peer URL. */
export function peerUrl(spec: EtcdMemberSpec): string {
  return `https://${spec.ip}:${spec.peerPort ?? 2380}`;
}

/** The directory of member `name` of the cluster in `dir`. */
export function memberDir(dir: string, name: string): string {
  return join(dir, 'members', name);
}

/** The files of member `name` of the cluster in `dir`. */
export function memberPaths(dir: string, name: string): { dataDir: string; tlsDir: string; logFile: string; pidFile: string } {
  const base = memberDir(dir, name);
  return { dataDir: join(base, 'data'), tlsDir: join(base, 'tls'), logFile: join(base, 'etcd.log'), pidFile: join(base, 'etcd.pid') };
}

/** Validates a member list: not empty, odd unless `force`, unique valid names. */
export function checkMembers(members: readonly EtcdMemberSpec[], force: boolean): void {
  if (members.length === 0) throw new Error('an etcd cluster needs at least one member');
  if (members.length % 2 === 0 && !force) {
    throw new Error(
      `refusing an even etcd member count (${members.length}): it tolerates no more failures than ${members.length - 1} members; pass force to override`,
    );
  }
  const names = new Set(members.map((m) => m.name));
  if (names.size !== members.length) throw new Error('etcd member names must be unique');
  for (const m of members) {
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(m.name)) throw new Error(`invalid etcd member name: ${m.name}`);
  }
}

/**
 * Stops the members of the cluster under `dir` through their PID files, for a cluster started
 * (detached) by another process. Returns the names of the members that were running.
 */
export async function stopEtcdClusterInDir(dir: string, graceMs = 10_000): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(dir, 'members'));
  } catch {
    return [];
  }
  const stopped = await Promise.all(
    names.map(async (name) => {
      const { pidFile, dataDir } = memberPaths(dir, name);
      return (await stopByPidFile(pidFile, dataDir, graceMs)) ? name : undefined;
    }),
  );
  return stopped.filter((n) => n !== undefined);
}
