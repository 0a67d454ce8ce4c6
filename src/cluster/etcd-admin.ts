/**
 * Administrative calls to etcd members (status, membership, health, snapshots) through short-lived
 * etcd3 clients. Unlike the storage client these do not require a leader (a member cut off from
 * the quorum still reports its status) and never skip a member after failures (each call asks
 * for exactly what it names).
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Etcd3, IMember, ISnapshotResponse } from 'etcd3';
import { createEtcdClient, type EtcdTlsOptions } from '../storage/etcd/etcd-client.ts';

/** One member as the cluster's membership list has it. */
export interface EtcdMemberInfo {
  /** etcd's member ID, decimal. */
  readonly id: string;
  /** Empty for a member added but not started yet. */
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  readonly isLearner: boolean;
}

/** What one member reports about itself. */
export interface EtcdEndpointStatus {
  readonly endpoint: string;
  readonly memberId: string;
  /** The member this one believes leads ('0' when it knows none). */
  readonly leaderId: string;
  readonly isLeader: boolean;
  /** The member's store revision. */
  readonly revision: number;
  readonly raftTerm: number;
  readonly raftIndex: number;
  readonly dbSize: number;
  readonly version: string;
}

/** Runs `fn` with a client for `endpoints`, closing it afterwards. */
export async function withEtcdClient<T>(endpoints: readonly string[], tls: EtcdTlsOptions, fn: (client: Etcd3) => Promise<T>): Promise<T> {
  const client = createEtcdClient({ endpoints, tls, requireLeader: false, circuitBreaker: false });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

function deadline(timeoutMs: number): { deadline: Date } {
  return { deadline: new Date(Date.now() + timeoutMs) };
}

/** The status of the member at `endpoint`. */
export async function endpointStatus(endpoint: string, tls: EtcdTlsOptions, timeoutMs = 2_000): Promise<EtcdEndpointStatus> {
  return withEtcdClient([endpoint], tls, async (client) => {
    const s = await client.maintenance.status(deadline(timeoutMs));
    return {
      endpoint,
      memberId: s.header.member_id,
      leaderId: s.leader,
      isLeader: s.leader === s.header.member_id && s.leader !== '0',
      revision: Number(s.header.revision),
      raftTerm: Number(s.raftTerm),
      raftIndex: Number(s.raftIndex),
      dbSize: Number(s.dbSize),
      version: s.version,
    };
  });
}

/**
 * Whether the member at `endpoint` serves a linearizable read (it has a leader and the leader a
 * quorum) within `timeoutMs`: undefined when it does, else the reason.
 */
export async function endpointHealth(endpoint: string, tls: EtcdTlsOptions, timeoutMs = 1_000): Promise<string | undefined> {
  try {
    await withEtcdClient([endpoint], tls, (client) => client.kv.range({ key: Buffer.from('health'), count_only: true }, deadline(timeoutMs)));
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function toMemberInfo(m: IMember): EtcdMemberInfo {
  return { id: m.ID, name: m.name, peerUrls: m.peerURLs, clientUrls: m.clientURLs, isLearner: m.isLearner };
}

/** The cluster's membership, as any of `endpoints` reports it (linearizable: needs a quorum). */
export async function memberList(endpoints: readonly string[], tls: EtcdTlsOptions, timeoutMs = 5_000): Promise<EtcdMemberInfo[]> {
  return withEtcdClient(endpoints, tls, async (client) => {
    const res = await client.cluster.memberList({ linearizable: true }, deadline(timeoutMs));
    return res.members.map(toMemberInfo);
  });
}

/**
 * etcd refuses a membership change ("unhealthy cluster") until every member has been connected
 * for 5 s, and while a quorum would be at risk. The refusal happens before anything is applied,
 * so the change is retried until `timeoutMs`.
 */
async function retryWhileUnhealthy<T>(timeoutMs: number, fn: (remainingMs: number) => Promise<T>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn(Math.max(end - Date.now(), 1));
    } catch (err) {
      const refused = err instanceof Error && err.message.includes('etcdserver: unhealthy cluster');
      if (!refused || Date.now() + 200 >= end) throw err;
      await sleep(200);
    }
  }
}

/** Adds a member with `peerUrl` to the cluster; returns the membership including it. */
export async function memberAdd(endpoints: readonly string[], tls: EtcdTlsOptions, peerUrl: string, timeoutMs = 15_000): Promise<{ added: EtcdMemberInfo; members: EtcdMemberInfo[] }> {
  return withEtcdClient(endpoints, tls, async (client) => {
    const res = await retryWhileUnhealthy(timeoutMs, (ms) => client.cluster.memberAdd({ peerURLs: [peerUrl], isLearner: false }, deadline(ms)));
    return { added: toMemberInfo(res.member), members: res.members.map(toMemberInfo) };
  });
}

/**
 * Removes the member with `id` from the cluster. A removal whose answer is lost (the leader that
 * applied it may stop answering at once) is confirmed through the member list.
 */
export async function memberRemove(endpoints: readonly string[], tls: EtcdTlsOptions, id: string, timeoutMs = 15_000): Promise<void> {
  try {
    await withEtcdClient(endpoints, tls, (client) => retryWhileUnhealthy(timeoutMs, (ms) => client.cluster.memberRemove({ ID: id }, deadline(ms))));
  } catch (err) {
    const members = await memberList(endpoints, tls).catch(() => undefined);
    if (members === undefined || members.some((m) => m.id === id)) throw err;
  }
}

/** Asks the leader (at `leaderEndpoint`) to hand its leadership to member `targetId`. */
export async function moveLeader(leaderEndpoint: string, tls: EtcdTlsOptions, targetId: string, timeoutMs = 10_000): Promise<void> {
  await withEtcdClient([leaderEndpoint], tls, (client) => client.maintenance.moveLeader({ targetID: targetId }, deadline(timeoutMs)));
}

/**
 * Streams a snapshot of the member at `endpoint` into `file` (written beside it, then renamed, so
 * `file` is never partial). The stream ends with etcd's checksum, which `etcdctl snapshot restore`
 * verifies. Returns the member's revision just before the snapshot began: the snapshot holds at
 * least every write up to it.
 */
export async function saveSnapshot(endpoint: string, tls: EtcdTlsOptions, file: string, timeoutMs = 60_000): Promise<{ revision: number }> {
  const partial = `${file}.part`;
  return withEtcdClient([endpoint], tls, async (client) => {
    const before = await client.kv.range({ key: Buffer.from('snapshot'), count_only: true }, deadline(timeoutMs));
    const stream = await client.maintenance.snapshot(deadline(timeoutMs));
    const out = createWriteStream(partial, { mode: 0o600 });
    try {
      // The library types the call as an event emitter; it is a grpc-js readable stream.
      for await (const chunk of stream as unknown as AsyncIterable<ISnapshotResponse>) {
        if (!out.write(chunk.blob)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'close');
      await rename(partial, file);
    } catch (err) {
      out.destroy();
      await rm(partial, { force: true });
      throw err;
    }
    return { revision: Number(before.header.revision) };
  });
}
