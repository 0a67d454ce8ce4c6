/**
 * kube-proxy: a userspace TCP proxy for Services (ClusterIPs, NodePorts, external IPs) over their
 * ready endpoints, with ClientIP session affinity. `k8ts agent` starts one per node with
 * `startKubeProxy`; `k8ts server` runs one in process for its single node.
 * @module
 */
export { startKubeProxy } from './kube-proxy.ts';
export type { KubeProxyOptions, RunningKubeProxy } from './kube-proxy.ts';
export type { ListenerStatus } from './proxier.ts';
export type { ListenerState } from './port-listener.ts';
