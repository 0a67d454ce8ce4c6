/**
 * The tunable timings of the controllers, and the cluster CA they publish, as
 * kube-controller-manager's flags set them. The
 * node-lifecycle defaults are shorter than Kubernetes' on purpose: k8ts clusters are local and
 * small, and a dead node should be noticed within seconds (Kubernetes waits ~40-50 s before
 * NotReady).
 */

/** Timings, limits and the cluster CA shared by the controllers; every field has a command-line flag. */
export interface ControllerSettings {
  /**
   * How long a node may go without renewing its Lease (or posting status) before its Ready
   * condition turns Unknown. `--node-monitor-grace-period`.
   */
  readonly nodeMonitorGracePeriodMs: number;
  /**
   * How often each node's health is checked besides the check due when its grace period runs
   * out (which makes detection prompt whatever this is). `--node-monitor-period`.
   */
  readonly nodeMonitorPeriodMs: number;
  /**
   * How long a node that has never reported may stay silent after it was created before it is
   * marked Unknown. `--node-startup-grace-period`.
   */
  readonly nodeStartupGracePeriodMs: number;
  /**
   * How long pods with no toleration for a node's NoExecute `not-ready`/`unreachable` taint stay
   * on that node before they are evicted. Pods normally carry the default tolerations the
   * apiserver adds at creation (30 s); this covers the pods that do not. `--pod-eviction-timeout`.
   */
  readonly podEvictionTimeoutMs: number;
  /** How often the garbage collector re-reads discovery for new resource types. */
  readonly discoveryRefreshMs: number;
  /**
   * The cluster CA bundle (PEM) the root CA publisher puts in every namespace's
   * `kube-root-ca.crt`: `--root-ca-file`, else the CA the controller manager trusts for the
   * apiserver (as upstream). Unset: nothing is published.
   */
  readonly rootCaPem?: string;
}

/** The defaults (see the file comment for why the node timings are short). */
export const DEFAULT_CONTROLLER_SETTINGS: ControllerSettings = {
  nodeMonitorGracePeriodMs: 10_000,
  nodeMonitorPeriodMs: 5_000,
  nodeStartupGracePeriodMs: 30_000,
  podEvictionTimeoutMs: 0,
  discoveryRefreshMs: 30_000,
};
