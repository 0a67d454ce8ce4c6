/**
 * The loopback address plan. Linux routes all of 127.0.0.0/8 to the loopback interface, so every
 * local cluster gets addresses of its own and its components bind their standard ports (6443
 * for the apiserver) side by side with other clusters':
 *
 *   127.10.0.0/16     k8ts local clusters
 *   127.10.<i>.0/24   the cluster with address index i (1-254), allocated at creation
 *   127.11.<i>.0/24   its Service ClusterIP range; the `kubernetes` Service is 127.11.<i>.1
 *   127.11.0.0/24     the ClusterIP range of a `k8ts server` bound outside 127.10.0.0/16
 *   127.<20+i>.<n>.0/24  the pod CIDR of node number n (its host number) of cluster i: pods get
 *                     their IPs there
 *
 * Host numbers within a cluster's /24 (see `nodeHost`):
 *
 *   .1-.49      control-plane nodes cp-1..cp-49 (cp-n is host n; a single-node cluster's node is
 *               cp-1, so its apiserver binds 127.10.<i>.1:6443)
 *   .51-.99     external etcd nodes etcd-1..etcd-49 (etcd-k is host 50+k)
 *   .101-.249   worker nodes worker-1..worker-149 (worker-w is host 100+w)
 *   .250        the load balancer of an HA cluster: its API address (:6443, what kubeconfigs
 *               point at) and the balancer's own status port (:8404)
 *
 * Every node binds the standard ports on its own address: apiserver 6443, etcd 2379 (clients)
 * and 2380 (peers), kubelet 10250.
 *
 * An index is claimed by creating `$K8TS_HOME/.addresses/<i>` exclusively (O_EXCL), so two
 * clusters created at the same moment never get the same one; the file holds the cluster's name.
 * The cluster records its index in its cluster.json too, and `down --delete` releases the claim.
 * Claims only coordinate clusters of one $K8TS_HOME, so allocation also skips an index whose
 * apiserver address is taken by anything else (a cluster of another $K8TS_HOME, a test run).
 */
import { mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const FIRST_INDEX = 1;
export const LAST_INDEX = 254;
export const APISERVER_PORT = 6443;
export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;
/** The load balancer's status port (backends and their health), on the balancer's address. */
export const LB_STATUS_PORT = 8404;
/** The host number of an HA cluster's load balancer. */
export const LB_HOST = 250;

/** What a node does in the cluster; decides its name prefix and host number range. */
export type NodeRole = 'control-plane' | 'etcd' | 'worker';

/** Name prefix, first host number and how many nodes of each role fit in the plan. */
const ROLE_PLAN: Readonly<Record<NodeRole, { readonly prefix: string; readonly base: number; readonly max: number }>> = {
  'control-plane': { prefix: 'cp', base: 0, max: 49 },
  etcd: { prefix: 'etcd', base: 50, max: 49 },
  worker: { prefix: 'worker', base: 100, max: 149 },
};

/** The most nodes of `role` a cluster can have. */
export function maxNodes(role: NodeRole): number {
  return ROLE_PLAN[role].max;
}

/** The name of the `ordinal`-th (1-based) node of `role`: `cp-1`, `etcd-2`, `worker-3`. */
export function nodeName(role: NodeRole, ordinal: number): string {
  const plan = ROLE_PLAN[role];
  if (!Number.isInteger(ordinal) || ordinal < 1 || ordinal > plan.max) throw new RangeError(`${role} node number ${ordinal} is outside 1-${plan.max}`);
  return `${plan.prefix}-${ordinal}`;
}

/** Role and ordinal of a node name of the plan (`cp-2` → control-plane 2), or undefined. */
export function parseNodeName(name: string): { readonly role: NodeRole; readonly ordinal: number } | undefined {
  const match = /^(cp|etcd|worker)-([1-9]\d{0,2})$/.exec(name);
  if (match === null) return undefined;
  const role = (Object.keys(ROLE_PLAN) as NodeRole[]).find((r) => ROLE_PLAN[r].prefix === match[1])!;
  const ordinal = Number(match[2]);
  return ordinal <= ROLE_PLAN[role].max ? { role, ordinal } : undefined;
}

/** The host number of node `name` within its cluster's /24 (see the file comment). */
export function nodeHost(name: string): number {
  const parsed = parseNodeName(name);
  if (parsed === undefined) throw new RangeError(`${JSON.stringify(name)} is not a node name of the address plan (cp-N, etcd-N, worker-N)`);
  return ROLE_PLAN[parsed.role].base + parsed.ordinal;
}

/** The loopback address of node `name` in the cluster with index `index`. */
export function nodeAddress(index: number, name: string): string {
  return clusterAddress(index, nodeHost(name));
}

/** The address of an HA cluster's load balancer. */
export function loadBalancerAddress(index: number): string {
  return clusterAddress(index, LB_HOST);
}

/**
 * A claim younger than this is never taken over, even if its cluster has no cluster.json yet:
 * the cluster may be in the middle of being created.
 */
const CLAIM_GRACE_MS = 60_000;

/** The address of host `host` (1-254) in the cluster with index `index`. */
export function clusterAddress(index: number, host = 1): string {
  if (!Number.isInteger(index) || index < FIRST_INDEX || index > LAST_INDEX) throw new RangeError(`cluster address index ${index} is outside ${FIRST_INDEX}-${LAST_INDEX}`);
  if (!Number.isInteger(host) || host < 1 || host > 254) throw new RangeError(`host number ${host} is outside 1-254`);
  return `127.10.${index}.${host}`;
}

/** The Service ClusterIP range of the cluster with index `index`: `127.11.<index>.0/24`. */
export function serviceClusterIpRange(index: number): string {
  clusterAddress(index);
  return `127.11.${index}.0/24`;
}

/**
 * The ClusterIP range a server bound to `bindAddress` uses when given none: its cluster's range
 * when the address is a k8ts node address (`127.10.<i>.n`), else `127.11.0.0/24` (an index no
 * local cluster gets, so a bare server never shares ClusterIPs with a `k8ts up` cluster).
 */
export function defaultServiceClusterIpRange(bindAddress: string): string {
  const m = /^127\.10\.(\d{1,3})\.(\d{1,3})$/.exec(bindAddress);
  const index = m === null ? NaN : Number(m[1]);
  return index >= FIRST_INDEX && index <= LAST_INDEX ? serviceClusterIpRange(index) : '127.11.0.0/24';
}

/**
 * The pod CIDR of node number `node` (the host number of its address, 1-254) in the cluster with
 * index `index`: 127.<20+index>.<node>.0/24.
 * @throws RangeError when the plan has no such range (20 + index must stay within one octet)
 */
export function nodePodCidr(index: number, node: number): string {
  if (!Number.isInteger(index) || index < FIRST_INDEX || 20 + index > 255) throw new RangeError(`cluster address index ${index} has no pod range: 127.(20+index) must be at most 127.255`);
  if (!Number.isInteger(node) || node < 1 || node > 254) throw new RangeError(`node number ${node} is outside 1-254`);
  return `127.${20 + index}.${node}.0/24`;
}

function claimsDir(home: string): string {
  return join(home, '.addresses');
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * A claim is stale when its cluster no longer records that index (its directory was removed
 * by hand, or it was re-created with another), and the claim is old enough not to be one being
 * set up right now.
 */
async function isStale(home: string, claimFile: string, owner: string, index: number): Promise<boolean> {
  const info = await stat(claimFile).catch(() => undefined);
  if (info === undefined || Date.now() - info.mtimeMs < CLAIM_GRACE_MS) return false;
  if (owner === '' || owner.includes('/') || owner.startsWith('.')) return true;
  const record = await readIfExists(join(home, owner, 'cluster.json'));
  if (record === undefined) return true;
  try {
    return (JSON.parse(record) as { index?: unknown }).index !== index;
  } catch {
    return false;
  }
}

/**
 * Whether something can listen on `address`:`port` right now (probed by listening briefly).
 * @throws Error when the address cannot be used at all (not a local address on this system)
 */
export function isAddressFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(false);
      else reject(new Error(`cannot listen on ${address}:${port} (${err.code ?? err.message}); k8ts needs the loopback range 127.0.0.0/8 to be local addresses, as on Linux`, { cause: err }));
    });
    probe.listen(port, address, () => probe.close(() => resolve(true)));
  });
}

/**
 * Claims an address index for cluster `name`: the one it already holds, else the lowest free
 * one (taking over stale claims) for which `usable` holds.
 * @param usable e.g. whether the index's apiserver address is free (`isAddressFree`)
 * @throws Error when all indexes are in use
 */
export async function allocateAddressIndex(home: string, name: string, usable: (index: number) => Promise<boolean> = async () => true): Promise<number> {
  const dir = claimsDir(home);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const held = await findAddressIndex(home, name);
  if (held !== undefined) return held;
  for (let index = FIRST_INDEX; index <= LAST_INDEX; index++) {
    const file = join(dir, String(index));
    // Two attempts per index: the second after removing a stale claim.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(file, 'wx', 0o600);
        try {
          await handle.writeFile(name);
        } finally {
          await handle.close();
        }
        if (await usable(index)) return index;
        await unlink(file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = (await readIfExists(file))?.trim();
      if (owner === undefined) continue;
      if (owner === name) return index;
      if (!(await isStale(home, file, owner, index))) break;
      await unlink(file).catch(() => undefined);
    }
  }
  throw new Error(`all ${LAST_INDEX - FIRST_INDEX + 1} cluster address indexes under ${dir} are in use; delete a cluster with \`k8ts down --name NAME --delete\``);
}

/** The index cluster `name` has claimed, if any. */
export async function findAddressIndex(home: string, name: string): Promise<number | undefined> {
  const dir = claimsDir(home);
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries) {
    const index = Number(entry);
    if (!Number.isInteger(index) || index < FIRST_INDEX || index > LAST_INDEX) continue;
    if ((await readIfExists(join(dir, entry)))?.trim() === name) return index;
  }
  return undefined;
}

/** Gives up cluster `name`'s claim on `index` (no-op when the claim is not its). */
export async function releaseAddressIndex(home: string, name: string, index: number): Promise<void> {
  const file = join(claimsDir(home), String(index));
  if ((await readIfExists(file))?.trim() === name) await unlink(file).catch(() => undefined);
}
