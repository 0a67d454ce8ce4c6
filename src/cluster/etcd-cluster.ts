/**
 * A local etcd cluster: N members as supervised processes on loopback addresses, TLS everywhere
 * with a dedicated etcd CA, plus the operations an HA control plane needs: wait for quorum, see
 * who leads, add and remove members, save a snapshot and restore one into a new cluster.
 *
 * Files live under the cluster directory as etcd-layout.ts describes.
 *
 * Starting a cluster whose data directories exist restarts it with its data (etcd ignores the
 * bootstrap flags then), so `start` also serves to bring a stopped cluster back.
 */
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EtcdTlsOptions } from '../storage/etcd/etcd-client.ts';
import {
  endpointHealth,
  endpointStatus,
  memberAdd,
  memberList,
  memberRemove,
  moveLeader,
  saveSnapshot,
  type EtcdEndpointStatus,
  type EtcdMemberInfo,
} from './etcd-admin.ts';
import { checkMembers, clientUrl, defaultToken, memberDir, memberPaths, peerUrl, type EtcdMemberSpec } from './etcd-layout.ts';
import { EtcdMember, type EtcdMemberConfig, type EtcdTuning } from './etcd-member.ts';
import { summarizeQuorum, type QuorumSummary } from './etcd-quorum.ts';
import { ensureEtcdPki, ensureMemberCertificates, type EtcdPki } from './etcd-pki.ts';

export interface EtcdClusterOptions {
  readonly dir: string;
  readonly members: readonly EtcdMemberSpec[];
  /** Allow an even member count (it tolerates no more failures than one member fewer). */
  readonly force?: boolean;
  /** Distinguishes this cluster's members from another's at bootstrap. Default `k8ts-etcd`. */
  readonly token?: string;
  readonly tuning?: EtcdTuning;
  readonly etcdBinary?: string;
  /** Members outlive this process (see EtcdMemberConfig.detached). Default false. */
  readonly detached?: boolean;
  /** How long to wait for every member to serve. Default 30 s. */
  readonly readyTimeoutMs?: number;
}

/** A member of this cluster as seen from here: its process and what it reports. */
export interface EtcdMemberState {
  readonly name: string;
  readonly endpoint: string;
  readonly running: boolean;
  readonly status?: EtcdEndpointStatus;
  /** Why no status could be read. */
  readonly error?: string;
}

/** A running local etcd cluster. */
export class EtcdCluster {
  readonly dir: string;
  /** What a client (an apiserver) needs to connect: the etcd CA, a client certificate and key. */
  readonly clientTls: EtcdTlsOptions;
  readonly #options: EtcdClusterOptions;
  readonly #pki: EtcdPki;
  readonly #members = new Map<string, { spec: EtcdMemberSpec; process: EtcdMember }>();

  private constructor(options: EtcdClusterOptions, pki: EtcdPki) {
    this.dir = options.dir;
    this.#options = options;
    this.#pki = pki;
    this.clientTls = pki.clientTls;
  }

  /**
   * Starts every member (bootstrapping a new cluster, or restarting one whose data exists) and
   * waits until each serves linearizable reads. Refuses an even member count unless `force`. On
   * failure, stops what it started.
   */
  static async start(options: EtcdClusterOptions): Promise<EtcdCluster> {
    checkMembers(options.members, options.force ?? false);
    const cluster = new EtcdCluster(options, await ensureEtcdPki(options.dir));
    const initialCluster = options.members.map((m) => `${m.name}=${peerUrl(m)}`).join(',');
    try {
      for (const spec of options.members) {
        await cluster.#launch(spec, initialCluster, 'new');
      }
      await cluster.waitForQuorum();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Client URLs of this cluster's members, in the order they were given. */
  get endpoints(): string[] {
    return [...this.#members.values()].map((m) => clientUrl(m.spec));
  }

  get memberNames(): string[] {
    return [...this.#members.keys()];
  }

  /** The process of member `name` (for chaos: kill, stop, start). */
  member(name: string): EtcdMember {
    const m = this.#members.get(name);
    if (m === undefined) throw new Error(`no etcd member named ${name}`);
    return m.process;
  }

  /** The client URL of member `name`. */
  endpointOf(name: string): string {
    const m = this.#members.get(name);
    if (m === undefined) throw new Error(`no etcd member named ${name}`);
    return clientUrl(m.spec);
  }

  /** The peer URL of member `name`. */
  peerUrlOf(name: string): string {
    const m = this.#members.get(name);
    if (m === undefined) throw new Error(`no etcd member named ${name}`);
    return peerUrl(m.spec);
  }

  /** The directory of member `name` (its data, certificates, log and PID file). */
  memberDirOf(name: string): string {
    this.member(name);
    return memberDir(this.dir, name);
  }

  /** Starts member `name` again (after a kill or stop) with its existing data; waits until it serves. */
  async startMember(name: string, timeoutMs = this.#readyTimeoutMs): Promise<void> {
    const member = this.member(name);
    if (!member.running) await member.start();
    await this.#waitUntil([name], timeoutMs);
  }

  /** Waits until every running member serves linearizable reads; fails early if one exits. */
  async waitForQuorum(timeoutMs = this.#readyTimeoutMs): Promise<void> {
    await this.#waitUntil(
      [...this.#members.values()].filter((m) => m.process.running).map((m) => m.spec.name),
      timeoutMs,
    );
  }

  /** The membership as the cluster records it. */
  async memberList(): Promise<EtcdMemberInfo[]> {
    return memberList(this.#runningEndpoints(), this.clientTls);
  }

  /** Each local member: whether its process runs and what it reports about itself. */
  async status(): Promise<EtcdMemberState[]> {
    return Promise.all(
      [...this.#members.values()].map(async ({ spec, process }): Promise<EtcdMemberState> => {
        const endpoint = clientUrl(spec);
        if (!process.running) return { name: spec.name, endpoint, running: false, error: 'not running' };
        try {
          return { name: spec.name, endpoint, running: true, status: await endpointStatus(endpoint, this.clientTls) };
        } catch (err) {
          return { name: spec.name, endpoint, running: true, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
  }

  /** The name of the member that leads now, if any member reports itself leader. */
  async leader(): Promise<string | undefined> {
    return (await this.status()).find((m) => m.status?.isLeader === true)?.name;
  }

  /** Quorum over the cluster's recorded membership, counting members that serve linearizable reads. */
  async quorum(): Promise<QuorumSummary> {
    const members = await this.memberList().catch(() => undefined);
    const endpoints = members !== undefined ? members.map((m) => m.clientUrls[0]).filter((u) => u !== undefined) : this.endpoints;
    const total = members?.length ?? this.#members.size;
    const health = await Promise.all(endpoints.map((e) => endpointHealth(e, this.clientTls)));
    return summarizeQuorum(total, health.filter((h) => h === undefined).length);
  }

  /**
   * Adds a member: announces it to the cluster (member add), then starts it joining the existing
   * cluster and waits until it serves. If it does not come up, the announcement is withdrawn.
   */
  async addMember(spec: EtcdMemberSpec, timeoutMs = this.#readyTimeoutMs): Promise<void> {
    if (this.#members.has(spec.name)) throw new Error(`etcd member ${spec.name} exists`);
    checkMembers([spec], true);
    const { added, members } = await memberAdd(this.#runningEndpoints(), this.clientTls, peerUrl(spec));
    const initialCluster = members
      .flatMap((m) => m.peerUrls.map((u) => `${m.id === added.id ? spec.name : m.name}=${u}`))
      .join(',');
    try {
      await this.#launch(spec, initialCluster, 'existing');
      await this.#waitUntil([spec.name], timeoutMs);
    } catch (err) {
      await memberRemove(this.#runningEndpoints().filter((e) => e !== clientUrl(spec)), this.clientTls, added.id).catch(() => undefined);
      await this.#members.get(spec.name)?.process.stop();
      this.#members.delete(spec.name);
      throw err;
    }
  }

  /**
   * Removes member `name` from the membership, stops its process and deletes its data (a removed
   * member can never rejoin with it). A leader is first asked to hand over its leadership, so the
   * removal is an ordinary change committed by a leader that stays.
   */
  async removeMember(name: string): Promise<void> {
    const local = this.#members.get(name);
    if (local === undefined) throw new Error(`no etcd member named ${name}`);
    const own = clientUrl(local.spec);
    const others = this.#runningEndpoints().filter((e) => e !== own);
    const via = others.length > 0 ? others : [own];
    const members = await memberList(via, this.clientTls);
    const record = members.find((m) => m.name === name || m.peerUrls.includes(peerUrl(local.spec)));
    if (record !== undefined) {
      const successor = members.find((m) => m.id !== record.id && !m.isLearner);
      if (local.process.running && successor !== undefined && (await endpointStatus(own, this.clientTls).catch(() => undefined))?.isLeader === true) {
        await moveLeader(own, this.clientTls, successor.id);
      }
      await memberRemove(via, this.clientTls, record.id);
    }
    await local.process.stop();
    this.#members.delete(name);
    await rm(memberDir(this.dir, name), { recursive: true, force: true });
  }

  /** Saves a snapshot of the data (from the first member that serves) into `file`. */
  async snapshotSave(file: string): Promise<{ revision: number; member: string }> {
    for (const { spec, process } of this.#members.values()) {
      if (!process.running) continue;
      if ((await endpointHealth(clientUrl(spec), this.clientTls)) !== undefined) continue;
      return { ...(await saveSnapshot(clientUrl(spec), this.clientTls, file)), member: spec.name };
    }
    throw new Error('no etcd member serves: cannot take a snapshot');
  }

  /**
   * Stops every member (SIGTERM, then SIGKILL after a grace period): followers first, then the
   * leader. A leader asked to stop first hands its leadership to a follower and waits for it,
   * which takes seconds when that follower is stopping too; last, it has no one to hand over to.
   */
  async stop(): Promise<void> {
    const leader = await this.leader().catch(() => undefined);
    const members = [...this.#members.values()];
    await Promise.all(members.filter((m) => m.spec.name !== leader).map((m) => m.process.stop()));
    await Promise.all(members.filter((m) => m.spec.name === leader).map((m) => m.process.stop()));
  }

  get #readyTimeoutMs(): number {
    return this.#options.readyTimeoutMs ?? 30_000;
  }

  #runningEndpoints(): string[] {
    return [...this.#members.values()].filter((m) => m.process.running).map((m) => clientUrl(m.spec));
  }

  async #launch(spec: EtcdMemberSpec, initialCluster: string, state: 'new' | 'existing'): Promise<void> {
    const config = await this.#memberConfig(spec, initialCluster, state);
    const member = new EtcdMember(config);
    this.#members.set(spec.name, { spec, process: member });
    await member.start();
  }

  async #memberConfig(spec: EtcdMemberSpec, initialCluster: string, state: 'new' | 'existing'): Promise<EtcdMemberConfig> {
    const paths = memberPaths(this.dir, spec.name);
    const tls = await ensureMemberCertificates(this.dir, this.#pki, spec);
    const opts = this.#options;
    return {
      name: spec.name,
      dataDir: paths.dataDir,
      clientUrl: clientUrl(spec),
      peerUrl: peerUrl(spec),
      initialCluster,
      initialClusterState: state,
      initialClusterToken: opts.token ?? defaultToken,
      tls,
      logFile: paths.logFile,
      pidFile: paths.pidFile,
      ...(opts.tuning !== undefined ? { tuning: opts.tuning } : {}),
      ...(opts.etcdBinary !== undefined ? { etcdBinary: opts.etcdBinary } : {}),
      ...(opts.detached !== undefined ? { detached: opts.detached } : {}),
    };
  }

  /** Polls until every member in `names` serves, failing early if one of their processes exits. */
  async #waitUntil(names: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reasons: string[] = [];
      for (const name of names) {
        const m = this.#members.get(name);
        if (m === undefined) throw new Error(`no etcd member named ${name}`);
        if (!m.process.running) {
          throw new Error(`etcd member ${name} exited (${JSON.stringify(m.process.exit)}); log tail:\n${m.process.logTail()}`);
        }
        const reason = await endpointHealth(clientUrl(m.spec), this.clientTls);
        if (reason !== undefined) reasons.push(`${name}: ${reason}`);
      }
      if (reasons.length === 0) return;
      if (Date.now() >= deadline) throw new Error(`etcd members not serving after ${timeoutMs} ms: ${reasons.join('; ')}`);
      await sleep(100);
    }
  }
}
