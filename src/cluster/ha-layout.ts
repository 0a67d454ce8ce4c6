/**
 * Where an HA cluster keeps its files, and what its processes are called:
 *
 *   $K8TS_HOME/<name>/
 *     cluster.json              topology, nodes, load balancer (cluster-record.ts)
 *     kubeconfig                admin kubeconfig pointing at the load balancer
 *     pki/                      the cluster CA and the admin certificate
 *     etcd/pki/                 the etcd CA, k8ts' etcd client certificate, one per apiserver
 *     etcd/members/<node>/      each member's data and certificates (etcd-layout.ts)
 *     nodes/<node>/             each control-plane node's `k8ts server` data directory: a copy
 *                               of the cluster CA, its serving certificate, a local kubeconfig;
 *                               each worker's `k8ts agent` data directory and credentials
 *     lb/backends               the load balancer's backends (re-read on SIGHUP)
 *     lb/haproxy.*              with --lb haproxy: its configuration, stats socket, PID file
 *     logs/<process>.log        every process's output
 *     run/<process>.json        every process's PID and command line
 *
 * Processes are named `<node>.<component>` (`cp-1.etcd`, `cp-1.server`, `etcd-2.etcd`,
 * `worker-1.agent`) and `lb`.
 */
import { join } from 'node:path';

/** The component a process runs. */
export type ComponentKind = 'etcd' | 'server' | 'agent' | 'lb';

export function etcdDir(clusterDir: string): string {
  return join(clusterDir, 'etcd');
}

/** The `k8ts server` data directory of node `node`. */
export function nodeDir(clusterDir: string, node: string): string {
  return join(clusterDir, 'nodes', node);
}

export function lbDir(clusterDir: string): string {
  return join(clusterDir, 'lb');
}

export function lbBackendsFile(clusterDir: string): string {
  return join(lbDir(clusterDir), 'backends');
}

/** The cluster CA certificate, which the load balancer verifies apiservers against. */
export function clusterCaFile(clusterDir: string): string {
  return join(clusterDir, 'pki', 'ca.crt');
}

/** The process name of `component` on node `node` (`cp-1.etcd`), or `lb`. */
export function processName(node: string | undefined, component: ComponentKind): string {
  return node === undefined ? component : `${node}.${component}`;
}

/** Node and component of a process name (`cp-1.etcd` → cp-1, etcd; `lb` → no node). */
export function parseProcessName(name: string): { readonly node?: string; readonly component: string } {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? { component: name } : { node: name.slice(0, dot), component: name.slice(dot + 1) };
}
