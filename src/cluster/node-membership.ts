/**
 * Growing and shrinking a running HA cluster (`k8ts node add|remove`).
 *
 * Adding a control-plane node (the lowest free cp-N): in the stacked topology its etcd member is
 * announced to the cluster first (member add) and then started, joining with the membership it
 * was announced into; then its apiserver starts; then the load balancer gets it as a backend
 * (backends file rewritten, SIGHUP). If a step fails, the steps before are undone.
 *
 * Adding a worker (the lowest free worker-N; any topology, the single node's too) starts its
 * `k8ts agent` (kubelet and kube-proxy) with the node's own credentials and waits until its Node
 * is Ready; the first worker also taints the control-plane Nodes NoSchedule. Removing one stops
 * the agent and its pods and deletes the Node.
 *
 * Removing a node runs the other way: out of the load balancer, apiserver stopped cleanly (it
 * leaves the `kubernetes` endpoints), then its etcd member (stacked control planes and external
 * etcd nodes): leadership handed to another member if it leads, member remove, process stopped,
 * data deleted (a removed member can never rejoin with it). Quorum care: a change that leaves an
 * even member count needs `force`; one that leaves no quorum among the members that serve, or no
 * control plane at all, is refused.
 */
import { rm } from 'node:fs/promises';
import { clientUrl, peerUrl } from './etcd-layout.ts';
import { maxNodes } from './address-plan.ts';
import { apiServerUrl, clusterNodes, etcdNodes, writeClusterRecord, type ClusterRecord, type NodeRecord, type NodeRole } from './cluster-record.ts';
import { endpointHealth, endpointStatus, memberAdd, memberList, memberRemove, moveLeader } from './etcd-admin.ts';
import { memberDir } from './etcd-layout.ts';
import { quorumOf } from './etcd-quorum.ts';
import { waitForLoadBalancer } from './ha-gates.ts';
import { etcdDir, nodeDir, parseProcessName } from './ha-layout.ts';
import { haNode } from './ha-plan.ts';
import { openHaCluster, requireAgentCommand, startAgents, startEtcdMembers, startServers, writeBackends, type ClusterHandle, type HaCluster } from './ha-runtime.ts';
import { prepareClusterCredentials } from './ha-pki.ts';
import { CONTROL_PLANE_TAINT, etcdEndpoints, hasWorkers, memberSpecOf } from './ha-processes.ts';
import { stopNodePods } from './cluster-pods.ts';
import { nodeType } from '../api/core/v1/node.ts';
import { Clientset, isNotFound } from '../client/index.ts';
import { isRecordedProcessRunning, readProcessRecords, removeProcessRecord, stopRecordedProcess } from './managed-process.ts';
import { nodeProcessRecords } from './node-ops.ts';

export interface MembershipOptions {
  readonly dir: string;
  readonly record: ClusterRecord;
  /** Accept an even etcd member count afterwards. */
  readonly force: boolean;
  readonly timeoutMs: number;
  readonly progress: (line: string) => void;
}

/** Tells the load balancer to re-read its backends (SIGHUP), if it runs. */
async function reloadLoadBalancer(dir: string): Promise<void> {
  const lb = (await readProcessRecords(dir)).find((p) => p.name === 'lb');
  if (lb !== undefined && (await isRecordedProcessRunning(lb))) process.kill(lb.pid, 'SIGHUP');
}

function requireHa(record: ClusterRecord, verb: string): void {
  if (record.topology === 'single') {
    throw new Error(`cluster "${record.name}" is a single node on SQLite: nodes cannot be ${verb}; create an HA cluster (k8ts up --control-planes 3)`);
  }
}

function checkEvenCount(members: number, force: boolean, verb: string): void {
  if (members % 2 === 0 && !force) {
    throw new Error(
      `${verb} leaves ${members} etcd members, an even count: they need ${quorumOf(members)} for a quorum, so they survive ${members - quorumOf(members)} failed member(s), no more than ${members - 1} members would; pass --force to do it anyway`,
    );
  }
}

/** The lowest free ordinal of `role` in `record`. */
function nextOrdinal(record: ClusterRecord, role: NodeRole): number {
  const taken = new Set(clusterNodes(record).filter((n) => n.role === role).map((n) => n.name));
  for (let i = 1; i <= maxNodes(role); i++) if (!taken.has(haNode(role, i, record.index).name)) return i;
  throw new Error(`cluster "${record.name}" has the most ${role} nodes the address plan allows (${maxNodes(role)})`);
}

/**
 * Announces a new member for `node` and returns the `--initial-cluster` it must start with.
 * etcd names the new member only once it has started, so it is matched by its peer URL.
 */
async function announceMember(cluster: HaCluster, node: NodeRecord): Promise<{ id: string; initialCluster: string }> {
  const peer = peerUrl(memberSpecOf(node));
  const { added, members } = await memberAdd(etcdEndpoints(cluster.record), cluster.pki.etcd.clientTls, peer);
  const initialCluster = members.flatMap((m) => m.peerUrls.map((u) => `${m.id === added.id ? node.name : m.name}=${u}`)).join(',');
  return { id: added.id, initialCluster };
}

/** Adds a control-plane node (see the file comment). @returns the new node */
export async function addControlPlane(opts: MembershipOptions): Promise<NodeRecord> {
  requireHa(opts.record, 'added');
  const base = haNode('control-plane', nextOrdinal(opts.record, 'control-plane'), opts.record.index);
  const stacked = opts.record.topology === 'stacked';
  if (stacked) checkEvenCount(etcdNodes(opts.record).length + 1, opts.force || (opts.record.force ?? false), `adding ${base.name}`);
  const startedAt = Date.now();
  const elapsed = (): string => `${((Date.now() - startedAt) / 1000).toFixed(1)}s`;
  let cluster = await openHaCluster(opts.dir, opts.record);
  let node = base;
  let announced: string | undefined;
  try {
    if (stacked) {
      const { id, initialCluster } = await announceMember(cluster, base);
      announced = id;
      node = { ...base, etcdJoin: initialCluster };
      opts.progress(`  etcd: member ${node.name} announced (${elapsed()})`);
    }
    const record: ClusterRecord = { ...opts.record, nodes: [...clusterNodes(opts.record), node] };
    await writeClusterRecord(opts.dir, record);
    cluster = await openHaCluster(opts.dir, record);
    if (stacked) {
      await startEtcdMembers(cluster, [node], opts.timeoutMs);
      opts.progress(`  etcd: member ${node.name} serving (${elapsed()})`);
    }
    await startServers(cluster, [node], opts.timeoutMs);
    opts.progress(`  apiserver on ${node.name} ready (${elapsed()})`);
    await writeBackends(cluster);
    await reloadLoadBalancer(opts.dir);
    await waitForLoadBalancer(record.loadBalancer!, clusterNodes(record).filter((n) => n.role === 'control-plane').map((n) => n.name), cluster.pki.admin, opts.timeoutMs, async () => undefined);
    opts.progress(`  load balancer: backend ${node.name} up (${elapsed()})`);
    return node;
  } catch (err) {
    opts.progress(`  adding ${base.name} failed; undoing`);
    for (const p of await nodeProcessRecords(opts.dir, cluster.record, base.name)) {
      await stopRecordedProcess(p, 10_000).catch(() => undefined);
      await removeProcessRecord(opts.dir, p.name);
    }
    if (announced !== undefined) await memberRemove(etcdEndpoints(opts.record), cluster.pki.etcd.clientTls, announced).catch(() => undefined);
    await writeClusterRecord(opts.dir, opts.record);
    await writeBackends(await openHaCluster(opts.dir, opts.record));
    await rm(memberDir(etcdDir(opts.dir), base.name), { recursive: true, force: true });
    await rm(nodeDir(opts.dir, base.name), { recursive: true, force: true });
    throw err;
  }
}

/** Adds a worker node (the lowest free worker-N), running `k8ts agent`. @returns the new node */
export async function addWorker(opts: MembershipOptions): Promise<NodeRecord> {
  requireAgentCommand();
  const node = haNode('worker', nextOrdinal(opts.record, 'worker'), opts.record.index);
  const record: ClusterRecord = { ...opts.record, nodes: [...clusterNodes(opts.record), node] };
  await writeClusterRecord(opts.dir, record);
  const startedAt = Date.now();
  try {
    const cluster: ClusterHandle = { dir: opts.dir, record, pki: await prepareClusterCredentials(opts.dir) };
    await startAgents(cluster, [node], opts.timeoutMs);
    opts.progress(`  agent on ${node.name} running, its Node Ready (${((Date.now() - startedAt) / 1000).toFixed(1)}s)`);
    if (!hasWorkers(opts.record)) {
      const tainted = await taintControlPlaneNodes(cluster);
      if (tainted.length > 0) opts.progress(`  ${tainted.join(', ')} tainted ${CONTROL_PLANE_TAINT}: pods go to the workers now`);
    }
    return node;
  } catch (err) {
    opts.progress(`  adding ${node.name} failed; undoing`);
    for (const p of await nodeProcessRecords(opts.dir, record, node.name)) {
      await stopRecordedProcess(p, 10_000).catch(() => undefined);
      await removeProcessRecord(opts.dir, p.name);
    }
    await writeClusterRecord(opts.dir, opts.record);
    await rm(nodeDir(opts.dir, node.name), { recursive: true, force: true });
    throw err;
  }
}

/** Runs `fn` with an admin client of the cluster. */
async function withAdminClient<T>(cluster: ClusterHandle, fn: (clientset: Clientset) => Promise<T>): Promise<T> {
  const creds = cluster.pki.admin;
  const clientset = Clientset.fromOptions({ endpoints: [apiServerUrl(cluster.record)], ca: creds.caPem, cert: creds.certPem, key: creds.keyPem, requestTimeoutMs: 10_000 });
  try {
    return await fn(clientset);
  } finally {
    clientset.close();
  }
}

/** Deletes the Node object `name` through the API. */
function deleteNodeObject(cluster: ClusterHandle, name: string): Promise<void> {
  return withAdminClient(cluster, async (clientset) => {
    try {
      await clientset.resource(nodeType).delete(name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  });
}

/**
 * Gives the control-plane Nodes registered so far the control-plane NoSchedule taint (their
 * kubelets registered before the cluster had workers; restarted, they register with it).
 * @returns the nodes that got it
 */
function taintControlPlaneNodes(cluster: ClusterHandle): Promise<string[]> {
  const [key, effect] = CONTROL_PLANE_TAINT.split(':') as [string, string];
  return withAdminClient(cluster, async (clientset) => {
    const tainted: string[] = [];
    const nodes = clientset.resource(nodeType);
    for (const node of clusterNodes(cluster.record).filter((n) => n.role === 'control-plane')) {
      let current;
      try {
        current = await nodes.get(node.name);
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      const taints = ((current.spec as { taints?: Array<{ key?: string; effect?: string }> } | undefined)?.taints ?? []);
      if (taints.some((t) => t.key === key && t.effect === effect)) continue;
      await nodes.patch(node.name, { spec: { taints: [...taints, { key, effect }] } });
      tainted.push(node.name);
    }
    return tainted;
  });
}

/** Refuses the removal of `node`'s member when the members left would not have a serving quorum. */
async function checkEtcdRemoval(cluster: HaCluster, node: NodeRecord, remaining: readonly NodeRecord[]): Promise<void> {
  const tls = cluster.pki.etcd.clientTls;
  const serving = (await Promise.all(remaining.map((n) => endpointHealth(clientUrl(memberSpecOf(n)), tls)))).filter((p) => p === undefined).length;
  if (serving < quorumOf(remaining.length)) {
    throw new Error(
      `removing ${node.name} would leave ${serving} of ${remaining.length} remaining etcd members serving, below the quorum of ${quorumOf(remaining.length)}; start the stopped members first (k8ts status shows them)`,
    );
  }
}

/** Removes `node`'s etcd member from the cluster (see the file comment), then its process and data. */
async function removeEtcdMember(cluster: HaCluster, node: NodeRecord, remaining: readonly NodeRecord[]): Promise<void> {
  const tls = cluster.pki.etcd.clientTls;
  const own = clientUrl(memberSpecOf(node));
  const others = remaining.map((n) => clientUrl(memberSpecOf(n)));
  const members = await memberList(others, tls);
  const entry = members.find((m) => m.name === node.name || m.peerUrls.includes(peerUrl(memberSpecOf(node))));
  if (entry !== undefined) {
    const status = await endpointStatus(own, tls).catch(() => undefined);
    const successor = members.find((m) => m.id !== entry.id && !m.isLearner);
    if (status?.isLeader === true && successor !== undefined) await moveLeader(own, tls, successor.id);
    await memberRemove(others, tls, entry.id);
  }
  for (const p of await nodeProcessRecords(cluster.dir, cluster.record, node.name)) {
    if (parseProcessName(p.name).component !== 'etcd') continue;
    await stopRecordedProcess(p, 10_000);
    await removeProcessRecord(cluster.dir, p.name);
  }
  await rm(memberDir(etcdDir(cluster.dir), node.name), { recursive: true, force: true });
}

/** Removes node `name` (see the file comment). */
export async function removeNode(opts: MembershipOptions & { readonly node: NodeRecord }): Promise<void> {
  const { node } = opts;
  if (node.role === 'worker') return removeWorker(opts);
  requireHa(opts.record, 'removed');
  const cluster = await openHaCluster(opts.dir, opts.record);
  const remainingNodes = clusterNodes(opts.record).filter((n) => n.name !== node.name);
  const record: ClusterRecord = { ...opts.record, nodes: remainingNodes };
  const holdsEtcd = etcdNodes(opts.record).some((n) => n.name === node.name);
  if (node.role === 'control-plane' && !remainingNodes.some((n) => n.role === 'control-plane')) {
    throw new Error(`${node.name} is the last control-plane node of cluster "${opts.record.name}"; delete the cluster instead (k8ts down --name ${opts.record.name} --delete)`);
  }
  if (holdsEtcd) {
    checkEvenCount(etcdNodes(record).length, opts.force || (opts.record.force ?? false), `removing ${node.name}`);
    await checkEtcdRemoval(cluster, node, etcdNodes(record));
  }
  const startedAt = Date.now();
  const elapsed = (): string => `${((Date.now() - startedAt) / 1000).toFixed(1)}s`;
  if (node.role === 'control-plane') {
    await writeBackends({ ...cluster, record });
    await reloadLoadBalancer(opts.dir);
    opts.progress(`  load balancer: backend ${node.name} removed (${elapsed()})`);
    for (const p of await nodeProcessRecords(opts.dir, opts.record, node.name)) {
      if (parseProcessName(p.name).component !== 'server') continue;
      await stopRecordedProcess(p);
      await removeProcessRecord(opts.dir, p.name);
    }
    opts.progress(`  apiserver on ${node.name} stopped; it left the kubernetes endpoints (${elapsed()})`);
  }
  if (holdsEtcd) {
    await removeEtcdMember(cluster, node, etcdNodes(record));
    opts.progress(`  etcd: member ${node.name} removed, its data deleted (${elapsed()})`);
  }
  await writeClusterRecord(opts.dir, record);
  await rm(nodeDir(opts.dir, node.name), { recursive: true, force: true });
}

/** Removes worker `node`: its agent stopped, then its pods, then its Node object. */
async function removeWorker(opts: MembershipOptions & { readonly node: NodeRecord }): Promise<void> {
  const { node } = opts;
  const startedAt = Date.now();
  for (const p of await nodeProcessRecords(opts.dir, opts.record, node.name)) {
    await stopRecordedProcess(p);
    await removeProcessRecord(opts.dir, p.name);
  }
  const pods = await stopNodePods(opts.dir, opts.record, node, 10_000);
  await deleteNodeObject({ dir: opts.dir, record: opts.record, pki: await prepareClusterCredentials(opts.dir) }, node.name);
  opts.progress(`  agent on ${node.name} stopped, ${pods} pod container(s) stopped, its Node deleted (${((Date.now() - startedAt) / 1000).toFixed(1)}s)`);
  await writeClusterRecord(opts.dir, { ...opts.record, nodes: clusterNodes(opts.record).filter((n) => n.name !== node.name) });
  await rm(nodeDir(opts.dir, node.name), { recursive: true, force: true });
}
