/**
 * The layout of a cluster from `k8ts up`'s flags: its topology, how many control planes, etcd
 * members and workers (and the workers' runtime), which load balancer; and the cluster record
 * (nodes and addresses) it makes.
 *
 * Defaults keep the single-node cluster: no flag means `single`; more than one control plane, an
 * etcd member count or a load balancer mean an HA topology, `stacked` unless `--topology external`.
 * An even etcd member count is refused unless forced: it tolerates no more failures than one
 * member fewer, and is one more member that can fail.
 */
import { APISERVER_PORT, LB_STATUS_PORT, loadBalancerAddress, maxNodes, nodeAddress, nodeName } from './address-plan.ts';
import type { ClusterRecord, ClusterTopology, LoadBalancerKind, NodeRecord, WorkerRuntime } from './cluster-record.ts';
import { quorumOf } from './etcd-quorum.ts';

/** The layout flags as given (undefined: not given). */
export interface LayoutRequest {
  readonly topology?: ClusterTopology;
  readonly controlPlanes?: number;
  readonly etcdMembers?: number;
  readonly lb?: LoadBalancerKind;
  readonly force?: boolean;
  /** Worker nodes worker-1..worker-N, each a `k8ts agent`. */
  readonly workers?: number;
  /** The workers' kubelet runtime. */
  readonly workerRuntime?: WorkerRuntime;
}

/** A complete layout. */
export interface Layout {
  readonly topology: ClusterTopology;
  readonly controlPlanes: number;
  /** etcd members: 0 for single, = controlPlanes when stacked. */
  readonly etcdMembers: number;
  readonly lb?: LoadBalancerKind;
  readonly force: boolean;
  readonly workers: number;
  readonly workerRuntime: WorkerRuntime;
}

/** A layout that cannot be: the message names the flag at fault. */
export class LayoutError extends Error {
  override readonly name = 'LayoutError';
}

/** Whether any flag of the control plane's layout was given. */
export function layoutGiven(request: LayoutRequest): boolean {
  return request.topology !== undefined || request.controlPlanes !== undefined || request.etcdMembers !== undefined || request.lb !== undefined;
}

/** The workers a request asks for. @throws LayoutError naming the flag at fault */
function resolveWorkers(request: LayoutRequest): { workers: number; workerRuntime: WorkerRuntime } {
  const workers = request.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0 || workers > maxNodes('worker')) throw new LayoutError(`--workers must be 0-${maxNodes('worker')}, got ${workers}`);
  if (request.workerRuntime !== undefined && workers === 0) {
    throw new LayoutError('--runtime is the runtime of the worker nodes: give --workers N too (the control-plane nodes always run the process runtime)');
  }
  return { workers, workerRuntime: request.workerRuntime ?? 'process' };
}

/** The complete layout `request` asks for. @throws LayoutError naming the flag at fault */
export function resolveLayout(request: LayoutRequest): Layout {
  const controlPlanes = request.controlPlanes ?? 1;
  const topology: ClusterTopology =
    request.topology ?? (controlPlanes > 1 || request.etcdMembers !== undefined || request.lb !== undefined ? (request.etcdMembers !== undefined ? 'external' : 'stacked') : 'single');
  const force = request.force ?? false;
  const workers = resolveWorkers(request);
  if (controlPlanes < 1 || controlPlanes > maxNodes('control-plane')) throw new LayoutError(`--control-planes must be 1-${maxNodes('control-plane')}, got ${controlPlanes}`);
  if (topology === 'single') {
    if (controlPlanes > 1) throw new LayoutError(`--topology single has one control plane; for ${controlPlanes} use --topology stacked or external`);
    if (request.etcdMembers !== undefined) throw new LayoutError('--etcd-members needs --topology external (a single-node cluster has no etcd)');
    if (request.lb !== undefined) throw new LayoutError('--lb needs an HA topology (--topology stacked or external): a single-node cluster has no load balancer');
    return { topology, controlPlanes: 1, etcdMembers: 0, force, ...workers };
  }
  if (topology === 'stacked' && request.etcdMembers !== undefined) {
    throw new LayoutError('--etcd-members is for --topology external; in the stacked topology every control-plane node runs one etcd member (use --control-planes)');
  }
  const etcdMembers = topology === 'stacked' ? controlPlanes : (request.etcdMembers ?? 3);
  if (etcdMembers < 1 || etcdMembers > maxNodes('etcd')) throw new LayoutError(`--etcd-members must be 1-${maxNodes('etcd')}, got ${etcdMembers}`);
  if (etcdMembers % 2 === 0 && !force) {
    const flag = topology === 'stacked' ? '--control-planes' : '--etcd-members';
    throw new LayoutError(
      `${flag} ${etcdMembers} makes an even etcd member count: ${etcdMembers} members need ${quorumOf(etcdMembers)} for a quorum, so they survive ${etcdMembers - quorumOf(etcdMembers)} failed member(s), no more than ${etcdMembers - 1} members would; use ${etcdMembers - 1} or ${etcdMembers + 1}, or pass --force`,
    );
  }
  return { topology, controlPlanes, etcdMembers, lb: request.lb ?? 'builtin', force, ...workers };
}

/** The layout of an existing cluster. */
export function layoutOf(record: ClusterRecord): Layout {
  const nodes = record.nodes ?? [];
  const controlPlanes = record.topology === 'single' ? 1 : nodes.filter((n) => n.role === 'control-plane').length;
  const etcdMembers = record.topology === 'single' ? 0 : record.topology === 'stacked' ? controlPlanes : nodes.filter((n) => n.role === 'etcd').length;
  return {
    topology: record.topology,
    controlPlanes,
    etcdMembers,
    ...(record.loadBalancer === undefined ? {} : { lb: record.loadBalancer.kind }),
    force: record.force ?? false,
    workers: nodes.filter((n) => n.role === 'worker').length,
    workerRuntime: record.workerRuntime ?? 'process',
  };
}

/** How a layout reads: `3 control planes, stacked etcd, load balancer builtin, 2 workers`. */
export function describeLayout(layout: Layout): string {
  const workers = layout.workers === 0 ? '' : `, ${layout.workers} worker${layout.workers === 1 ? '' : 's'}${layout.workerRuntime === 'sim' ? ' (simulated)' : ''}`;
  if (layout.topology === 'single') return `single node${workers === '' ? '' : ` control plane${workers}`}`;
  const cps = `${layout.controlPlanes} control plane${layout.controlPlanes === 1 ? '' : 's'}`;
  const etcd = layout.topology === 'stacked' ? 'stacked etcd' : `external etcd (${layout.etcdMembers} members)`;
  return `${cps}, ${etcd}, load balancer ${layout.lb ?? 'builtin'}${workers}`;
}

/** Where a mismatch between a requested layout and an existing one lies, or undefined. */
export function layoutMismatch(request: LayoutRequest, existing: Layout): string | undefined {
  const workersGiven = request.workers !== undefined || request.workerRuntime !== undefined;
  if (!layoutGiven(request) && !workersGiven) return undefined;
  // What is not asked for is taken as it is.
  const controlPlane: LayoutRequest = layoutGiven(request)
    ? request
    : { topology: existing.topology, controlPlanes: existing.controlPlanes, ...(existing.topology === 'external' ? { etcdMembers: existing.etcdMembers } : {}), ...(existing.lb === undefined ? {} : { lb: existing.lb }) };
  const workers = request.workers ?? existing.workers;
  const workerRuntime = request.workerRuntime ?? (workers > 0 && existing.workers > 0 ? existing.workerRuntime : undefined);
  const wanted = resolveLayout({ ...controlPlane, workers, ...(workerRuntime === undefined ? {} : { workerRuntime }), force: request.force ?? existing.force });
  const same =
    wanted.topology === existing.topology &&
    wanted.controlPlanes === existing.controlPlanes &&
    wanted.etcdMembers === existing.etcdMembers &&
    wanted.lb === existing.lb &&
    wanted.workers === existing.workers &&
    (wanted.workers === 0 || wanted.workerRuntime === existing.workerRuntime);
  return same ? undefined : `it exists as ${describeLayout(existing)}, not ${describeLayout(wanted)}`;
}

/** The worker nodes of `layout` in the cluster with index `index`, and the record fields they need. */
export function plannedWorkers(index: number, layout: Layout): Pick<ClusterRecord, 'workerRuntime'> & { readonly nodes: NodeRecord[] } {
  const nodes: NodeRecord[] = [];
  for (let i = 1; i <= layout.workers; i++) nodes.push(haNode('worker', i, index));
  return { nodes, ...(layout.workers > 0 && layout.workerRuntime !== 'process' ? { workerRuntime: layout.workerRuntime } : {}) };
}

/** The record of a new HA cluster with address index `index`. */
export function planHaRecord(name: string, index: number, layout: Layout, createdAt: Date): ClusterRecord {
  if (layout.topology === 'single' || layout.lb === undefined) throw new Error('planHaRecord: not an HA layout');
  const nodes: NodeRecord[] = [];
  for (let i = 1; i <= layout.controlPlanes; i++) nodes.push(haNode('control-plane', i, index));
  if (layout.topology === 'external') for (let i = 1; i <= layout.etcdMembers; i++) nodes.push(haNode('etcd', i, index));
  const workers = plannedWorkers(index, layout);
  nodes.push(...workers.nodes);
  const lbAddress = loadBalancerAddress(index);
  return {
    name,
    topology: layout.topology,
    index,
    apiServer: { address: lbAddress, port: APISERVER_PORT },
    createdAt: createdAt.toISOString(),
    nodes,
    loadBalancer: { kind: layout.lb, address: lbAddress, port: APISERVER_PORT, statusPort: LB_STATUS_PORT },
    ...(layout.force ? { force: true } : {}),
    ...(workers.workerRuntime === undefined ? {} : { workerRuntime: workers.workerRuntime }),
  };
}

/** Node number `ordinal` of `role` in the cluster with index `index`. */
export function haNode(role: NodeRecord['role'], ordinal: number, index: number): NodeRecord {
  const name = nodeName(role, ordinal);
  return { name, role, address: nodeAddress(index, name) };
}
