/**
 * cluster: local clusters on one machine (state under $K8TS_HOME, the loopback address plan,
 * background processes) and the `k8ts server` process.
 */
import type * as ServerProcessModule from './server-process.ts';

export { allocateAddressIndex, APISERVER_PORT, clusterAddress, defaultServiceClusterIpRange, findAddressIndex, releaseAddressIndex, serviceClusterIpRange } from './address-plan.ts';
export { clusterNameProblem, contextName, DEFAULT_CLUSTER_NAME } from './cluster-name.ts';
export { apiServerUrl, readClusterRecord, type ClusterRecord, type ClusterTopology, type NodeRecord } from './cluster-record.ts';
export { downCluster, type DownOptions, type DownResult } from './cluster-down.ts';
export { clusterStatus, formatClusterStatus, type ClusterStatus, type ProcessStatus } from './cluster-status.ts';
export { upCluster, type UpOptions, type UpResult } from './cluster-up.ts';
export { LayoutError, resolveLayout, type Layout, type LayoutRequest } from './ha-plan.ts';
export {
  IN_PROCESS_COMPONENTS,
  selectInProcessComponents,
  type InProcessComponent,
  type InProcessComponentContext,
  type LeaderElectionTiming,
  type RunningComponent,
} from './in-process-components.ts';
export { clusterDir, defaultServerDataDir, k8tsHome } from './k8ts-home.ts';
export { killNode, loadNode, stopNode, type NodeProcessOutcome } from './node-ops.ts';
export { startHaNode } from './node-start.ts';
export { addControlPlane, addWorker, removeNode } from './node-membership.ts';
export { serverLayout } from './server-files.ts';
export type { RunningServerProcess, ServerProcessOptions, ServerStorageOptions } from './server-process.ts';
export { userKubeconfigPath } from './user-kubeconfig.ts';

/**
 * Loads the `k8ts server` process code (runServerProcess) on demand: it pulls in the apiserver
 * and the store, which no other command needs, so the others start fast.
 */
export const loadServerProcess = (): Promise<typeof ServerProcessModule> => import('./server-process.ts');
