/**
 * The processes of an HA cluster and their command lines, all derived from cluster.json (so
 * `up`, `node start` and `node add` build them the same way):
 * - an etcd member on each etcd node (control planes when stacked, etcd-N when external), TLS on
 *   both ports with the etcd CA (etcd-member.ts);
 * - a `k8ts server` on each control-plane node, on etcd: when stacked only its local member,
 *   when external every member; its in-process components (the node's kubelet among them)
 *   seeded with every apiserver;
 * - a `k8ts agent` (kubelet and kube-proxy) on each worker node;
 * - the load balancer (`k8ts lb`, built-in or supervising HAProxy) on its own address.
 */
import { clientUrl, defaultToken, peerUrl, type EtcdMemberSpec } from './etcd-layout.ts';
import { etcdArgs, findEtcdBinary, findExecutable } from './etcd-member.ts';
import { APISERVER_PORT, ETCD_CLIENT_PORT, ETCD_PEER_PORT, nodeHost, nodePodCidr, serviceClusterIpRange } from './address-plan.ts';
import { etcdNodes, clusterNodes, type ClusterRecord, type NodeRecord } from './cluster-record.ts';
import { clusterCaFile, etcdDir, lbBackendsFile, lbDir, processName, type ComponentKind } from './ha-layout.ts';
import { memberPaths } from './etcd-layout.ts';
import type { EtcdMemberTlsFiles } from './etcd-member.ts';
import type { NodeServerFiles, WorkerFiles } from './ha-pki.ts';
import { k8tsCommand, PROCESS_AGENT_NODE_OPTIONS } from './k8ts-bin.ts';
import { serverUrl } from './server-files.ts';

/** One process to start. */
export interface ProcessSpec {
  /** `<node>.<component>` or `lb` (ha-layout.ts). */
  readonly name: string;
  readonly node?: string;
  readonly component: ComponentKind;
  readonly argv: readonly string[];
  /** Answers 200 once ready (probed with the admin credentials). */
  readonly readyUrl?: string;
}

/**
 * How long a stopping apiserver keeps serving after it fails readiness: the load balancers
 * check every 250 ms and take a backend out after 2 failures, so 1 s covers that with room.
 */
const SHUTDOWN_DELAY_SECONDS = '1';

/** The etcd member spec of an etcd node. */
export function memberSpecOf(node: NodeRecord): EtcdMemberSpec {
  return { name: node.name, ip: node.address, clientPort: ETCD_CLIENT_PORT, peerPort: ETCD_PEER_PORT };
}

/** The client URLs of the cluster's etcd members. */
export function etcdEndpoints(record: ClusterRecord): string[] {
  return etcdNodes(record).map((n) => clientUrl(memberSpecOf(n)));
}

/** The `--initial-cluster` of the members that bootstrapped the cluster (those that did not join later). */
function initialCluster(record: ClusterRecord): string {
  return etcdNodes(record)
    .filter((n) => n.etcdJoin === undefined)
    .map((n) => `${n.name}=${peerUrl(memberSpecOf(n))}`)
    .join(',');
}

/** The etcd member process of `node`. */
export function etcdProcess(dir: string, record: ClusterRecord, node: NodeRecord, tls: EtcdMemberTlsFiles): ProcessSpec {
  const binary = findEtcdBinary();
  if (binary === undefined) throw new Error('the etcd binary is not on PATH: install etcd (Debian: apt-get install etcd-server) to run HA topologies');
  const spec = memberSpecOf(node);
  const paths = memberPaths(etcdDir(dir), node.name);
  const argv = [
    binary,
    ...etcdArgs({
      name: node.name,
      dataDir: paths.dataDir,
      clientUrl: clientUrl(spec),
      peerUrl: peerUrl(spec),
      initialCluster: node.etcdJoin ?? initialCluster(record),
      initialClusterState: node.etcdJoin === undefined ? 'new' : 'existing',
      initialClusterToken: `${defaultToken}-${record.name}-${record.index}`,
      tls,
      logFile: paths.logFile,
      pidFile: paths.pidFile,
    }),
  ];
  return { name: processName(node.name, 'etcd'), node: node.name, component: 'etcd', argv };
}

/** The apiserver URL of a control-plane node. */
export function nodeApiServerUrl(node: NodeRecord): string {
  return serverUrl(node.address, APISERVER_PORT);
}

/** The `k8ts server` process of control-plane node `node`. */
export function serverProcess(record: ClusterRecord, node: NodeRecord, files: NodeServerFiles): ProcessSpec {
  const etcdServers = record.topology === 'stacked' ? [clientUrl(memberSpecOf(node))] : etcdEndpoints(record);
  const others = clusterNodes(record)
    .filter((n) => n.role === 'control-plane' && n.name !== node.name)
    .map(nodeApiServerUrl);
  const argv = k8tsCommand([
    'server',
    '--data-dir',
    files.dataDir,
    '--bind-address',
    node.address,
    '--port',
    String(APISERVER_PORT),
    '--advertise-address',
    node.address,
    '--node-name',
    node.name,
    '--storage',
    'etcd',
    '--etcd-servers',
    etcdServers.join(','),
    '--etcd-cafile',
    files.etcdClient.caFile,
    '--etcd-certfile',
    files.etcdClient.certFile,
    '--etcd-keyfile',
    files.etcdClient.keyFile,
    ...(others.length > 0 ? ['--apiserver-endpoints', others.join(',')] : []),
    '--service-cluster-ip-range',
    serviceClusterIpRange(record.index),
    '--shutdown-delay-duration',
    SHUTDOWN_DELAY_SECONDS,
    ...controlPlaneKubeletArgs(record, node),
  ]);
  return { name: processName(node.name, 'server'), node: node.name, component: 'server', argv, readyUrl: `${nodeApiServerUrl(node)}/readyz` };
}

/** The taint of control-plane nodes in a cluster with workers (kubeadm's): pods go to the workers. */
export const CONTROL_PLANE_TAINT = 'node-role.kubernetes.io/control-plane:NoSchedule';

/** Whether `record` has worker nodes. */
export function hasWorkers(record: ClusterRecord): boolean {
  return clusterNodes(record).some((n) => n.role === 'worker');
}

/** The pod CIDR of `node` (address-plan.ts); undefined for a cluster whose index has no pod range. */
export function podCidrOf(record: ClusterRecord, node: NodeRecord): string | undefined {
  try {
    return nodePodCidr(record.index, nodeHost(node.name));
  } catch {
    return undefined;
  }
}

/**
 * The `k8ts server` flags (besides `--node-name`) that run control-plane node `node`'s kubelet in
 * the server process: its address and pod range, and the control-plane taint when the cluster
 * has workers.
 */
export function controlPlaneKubeletArgs(record: ClusterRecord, node: NodeRecord): string[] {
  const podCidr = podCidrOf(record, node);
  if (podCidr === undefined) return [];
  return ['--node-ip', node.address, '--pod-cidr', podCidr, ...(hasWorkers(record) ? ['--register-with-taints', CONTROL_PLANE_TAINT] : [])];
}

/**
 * The `k8ts agent` (kubelet and kube-proxy) of worker `node`, per the agent's command-line
 * contract: every apiserver as a `--server` to fail over between, the node's address and pod
 * CIDR, the cluster's worker runtime.
 */
export function agentProcess(record: ClusterRecord, node: NodeRecord, files: WorkerFiles): ProcessSpec {
  const servers = clusterNodes(record)
    .filter((n) => n.role === 'control-plane')
    .flatMap((n) => ['--server', nodeApiServerUrl(n)]);
  const runtime = record.workerRuntime ?? 'process';
  const argv = k8tsCommand([
    'agent',
    '--kubeconfig',
    files.kubeconfig,
    ...servers,
    '--node-name',
    node.name,
    '--node-ip',
    node.address,
    '--pod-cidr',
    nodePodCidr(record.index, nodeHost(node.name)),
    '--runtime',
    runtime,
    '--data-dir',
    files.dataDir,
    '--tls-cert-file',
    files.servingCertFile,
    '--tls-private-key-file',
    files.servingKeyFile,
    '--client-ca-file',
    files.caFile,
  ], runtime === 'process' ? PROCESS_AGENT_NODE_OPTIONS : []);
  return { name: processName(node.name, 'agent'), node: node.name, component: 'agent', argv };
}

/** The haproxy executable: on PATH, or where Debian puts it (not on every user's PATH). */
export function findHaproxy(): string | undefined {
  return findExecutable('haproxy') ?? findExecutable('/usr/sbin/haproxy');
}

/** The load balancer process. */
export function lbProcess(dir: string, record: ClusterRecord): ProcessSpec {
  const lb = record.loadBalancer;
  if (lb === undefined) throw new Error(`cluster "${record.name}" has no load balancer`);
  const haproxy = lb.kind === 'haproxy' ? findHaproxy() : undefined;
  if (lb.kind === 'haproxy' && haproxy === undefined) {
    throw new Error(`cluster "${record.name}" uses HAProxy as its load balancer, but haproxy is not installed (Debian: apt-get install haproxy); or create the cluster with --lb builtin`);
  }
  const argv = k8tsCommand([
    'lb',
    '--engine',
    lb.kind,
    '--bind-address',
    lb.address,
    '--port',
    String(lb.port),
    '--backends-file',
    lbBackendsFile(dir),
    '--ca-file',
    clusterCaFile(dir),
    '--status-port',
    String(lb.statusPort),
    '--run-dir',
    lbDir(dir),
    ...(haproxy === undefined ? [] : ['--haproxy-binary', haproxy]),
  ]);
  return { name: processName(undefined, 'lb'), component: 'lb', argv, readyUrl: `https://${lb.address}:${lb.port}/readyz` };
}
