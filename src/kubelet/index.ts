/**
 * kubelet: runs the pods bound to a node and reports on them and on the node.
 *
 * ```ts
 * const kubelet = await startKubelet({ clientset, nodeName: 'worker-1', nodeIP: '127.10.1.11',
 *   podCIDR: '127.21.11.0/24', dataDir, tls: { certPem, keyPem, clientCaPem } });
 * await kubelet.ready;   // registered, pods known
 * await kubelet.stop();  // containers keep running; stopPodProcesses(dataDir) ends them
 * ```
 *
 * - `startKubelet`: one node with the process runtime (kubelet.ts).
 * - `startSimNodes`: many simulated nodes in one process, pods without processes (sim/).
 * - `stopPodProcesses`: stops every container a kubelet left running (for `k8ts down`).
 * @module
 */
export { startKubelet } from './kubelet.ts';
export type { KubeletOptions, RunningKubelet } from './kubelet.ts';
export { startSimNodes } from './sim/sim-nodes.ts';
export type { RunningSimNodes, SimNodesOptions } from './sim/sim-nodes.ts';
export { stopPodProcesses } from './runtime/process/process-runtime.ts';
export { KUBELET_PORT } from './ports.ts';
export { KUBELET_MAX_REQUEST_CONNECTIONS } from './client-limits.ts';
export type { Taint } from './node/node-object.ts';
export { KUBELET_VERSION } from './version.ts';
