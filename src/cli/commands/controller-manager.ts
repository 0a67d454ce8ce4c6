/**
 * `k8ts controller-manager`: run the controllers (kube-controller-manager) in the foreground,
 * against the apiservers of a kubeconfig, until SIGTERM or SIGINT. The flags are
 * kube-controller-manager's own (durations in Go notation: `10s`, `500ms`, `1m`).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { lineLogger } from '../../client/index.ts';
import { CONTROLLERS, DEFAULT_CONTROLLER_SETTINGS, selectControllers } from '../../controllers/index.ts';
import type { CliContext } from '../cli-context.ts';
import { parseBoolean, parseCount, parseDuration, parseReadableFile, parseServerUrl } from '../flags.ts';
import { UsageError } from '../usage-error.ts';

/** `--concurrent-*-syncs` flags (kube-controller-manager's names) and the controllers they size. */
const CONCURRENCY_FLAGS: readonly { flag: string; option: string; controller: string }[] = [
  { flag: '--concurrent-deployment-syncs', option: 'concurrentDeploymentSyncs', controller: 'deployment-controller' },
  { flag: '--concurrent-replicaset-syncs', option: 'concurrentReplicasetSyncs', controller: 'replicaset-controller' },
  { flag: '--concurrent-statefulset-syncs', option: 'concurrentStatefulsetSyncs', controller: 'statefulset-controller' },
  { flag: '--concurrent-daemonset-syncs', option: 'concurrentDaemonsetSyncs', controller: 'daemonset-controller' },
  { flag: '--concurrent-job-syncs', option: 'concurrentJobSyncs', controller: 'job-controller' },
  { flag: '--concurrent-endpoint-syncs', option: 'concurrentEndpointSyncs', controller: 'endpoints-controller' },
  { flag: '--concurrent-service-endpoint-syncs', option: 'concurrentServiceEndpointSyncs', controller: 'endpointslice-controller' },
  { flag: '--concurrent-namespace-syncs', option: 'concurrentNamespaceSyncs', controller: 'namespace-controller' },
  { flag: '--concurrent-gc-syncs', option: 'concurrentGcSyncs', controller: 'garbage-collector-controller' },
];

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 15_000;

interface Flags {
  kubeconfig?: string;
  server: string[];
  leaderElect: string;
  leaderElectLeaseDuration: string;
  leaderElectRenewDeadline: string;
  leaderElectRetryPeriod: string;
  leaderElectResourceNamespace: string;
  leaderElectResourceName: string;
  controllers: string;
  nodeMonitorGracePeriod: string;
  nodeMonitorPeriod: string;
  nodeStartupGracePeriod: string;
  podEvictionTimeout: string;
  rootCaFile?: string;
  [concurrency: string]: unknown;
}

const seconds = (ms: number): string => `${ms / 1000}s`;

export function registerControllerManager(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('controller-manager')
    .description('run the controllers (Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, endpoints, nodes, garbage collection, …) against the apiservers of a kubeconfig')
    .option('--kubeconfig <file>', 'kubeconfig with the apiserver address and credentials (default: $KUBECONFIG)')
    .option('--server <url>', 'apiserver URL to use instead of the kubeconfig\'s; repeat for several (failover in order)', (v: string, all: string[]) => [...all, v], [])
    .option('--leader-elect <bool>', 'act only while holding the kube-system/kube-controller-manager Lease, so that one of several instances acts', 'true')
    .option('--leader-elect-lease-duration <duration>', 'how long standbys wait after the last renewal before taking over (whole seconds)', '2s')
    .option('--leader-elect-renew-deadline <duration>', 'how long the leader keeps acting without a successful renewal (< lease duration)', '1500ms')
    .option('--leader-elect-retry-period <duration>', 'interval between renewals and acquisition attempts', '500ms')
    .option('--leader-elect-resource-namespace <ns>', 'namespace of the leader election Lease', 'kube-system')
    .option('--leader-elect-resource-name <name>', 'name of the leader election Lease', 'kube-controller-manager')
    .option('--controllers <list>', `controllers to run, comma-separated: * for all, name to enable, -name to disable (known: ${CONTROLLERS.map((c) => c.name).join(', ')})`, '*')
    .option('--node-monitor-grace-period <duration>', 'how long a node may stop renewing its lease before it is marked NotReady (Unknown)', seconds(DEFAULT_CONTROLLER_SETTINGS.nodeMonitorGracePeriodMs))
    .option('--node-monitor-period <duration>', 'how often node health is checked, besides when a grace period runs out', seconds(DEFAULT_CONTROLLER_SETTINGS.nodeMonitorPeriodMs))
    .option('--node-startup-grace-period <duration>', 'how long a new node may stay silent before it is marked NotReady', seconds(DEFAULT_CONTROLLER_SETTINGS.nodeStartupGracePeriodMs))
    .option('--pod-eviction-timeout <duration>', 'how long pods that tolerate neither not-ready nor unreachable stay on such a node (pods get 30s tolerations by default)', seconds(DEFAULT_CONTROLLER_SETTINGS.podEvictionTimeoutMs))
    .option('--root-ca-file <file>', "the cluster CA bundle (PEM) published as kube-root-ca.crt in every namespace (default: the kubeconfig's certificate authority)");
  for (const c of CONCURRENCY_FLAGS) {
    const workers = CONTROLLERS.find((d) => d.name === c.controller)?.workers ?? 1;
    cmd.option(`${c.flag} <n>`, `concurrent reconciles of the ${c.controller}`, String(workers));
  }
  cmd.action(async (flags: Flags) => {
    const kubeconfig = flags.kubeconfig ?? ctx.env.KUBECONFIG;
    if (kubeconfig === undefined || kubeconfig === '') throw new UsageError('--kubeconfig is required (or set $KUBECONFIG): give the kubeconfig of the cluster, e.g. the one `k8ts kubeconfig` writes');
    const kubeconfigPath = parseReadableFile(kubeconfig, '--kubeconfig');
    const servers = flags.server.map((s) => parseServerUrl(s));
    let controllers;
    try {
      controllers = selectControllers(flags.controllers.split(',').map((s) => s.trim()).filter((s) => s !== ''));
    } catch (err) {
      throw new UsageError(`--controllers: ${(err as Error).message}`);
    }
    const settings = {
      ...DEFAULT_CONTROLLER_SETTINGS,
      nodeMonitorGracePeriodMs: parseDuration(flags.nodeMonitorGracePeriod, '--node-monitor-grace-period'),
      nodeMonitorPeriodMs: parseDuration(flags.nodeMonitorPeriod, '--node-monitor-period'),
      nodeStartupGracePeriodMs: parseDuration(flags.nodeStartupGracePeriod, '--node-startup-grace-period'),
      podEvictionTimeoutMs: parseDuration(flags.podEvictionTimeout, '--pod-eviction-timeout'),
    };
    if (settings.nodeMonitorPeriodMs <= 0) throw new UsageError('--node-monitor-period must be longer than 0s');
    const rootCaPem = flags.rootCaFile === undefined ? undefined : readRootCa(flags.rootCaFile);
    const workers: Record<string, number> = {};
    for (const c of CONCURRENCY_FLAGS) {
      const n = parseCount(String(flags[c.option]), c.flag);
      if (n < 1) throw new UsageError(`${c.flag} must be at least 1, got ${n}`);
      workers[c.controller] = n;
    }
    const leaderElection = parseBoolean(flags.leaderElect, '--leader-elect') ? parseElection(flags) : undefined;

    const logger = lineLogger((line) => ctx.err(`${new Date().toISOString()} ${line}\n`));
    let signalled: (signal: NodeJS.Signals) => void = () => {};
    const stopSignal = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (++signals > 1) {
        logger.warn(`received ${signal} again; exiting without finishing the shutdown`);
        process.exit(1);
      }
      signalled(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    try {
      const { startControllerManagerProcess } = await import('../../cluster/controller-manager-process.ts');
      const running = await startControllerManagerProcess({ kubeconfigPath, servers, controllers, settings: rootCaPem === undefined ? settings : { ...settings, rootCaPem }, workers, leaderElection, logger });
      const ended = await Promise.race([stopSignal.then((s) => `received ${s}; shutting down`), running.done.then(() => 'the controller manager ended')]);
      logger.info(ended);
      const watchdog = setTimeout(() => {
        logger.error(`shutdown did not finish within ${SHUTDOWN_TIMEOUT_MS / 1000}s; exiting`);
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS);
      watchdog.unref();
      await running.stop();
      clearTimeout(watchdog);
      logger.info('stopped');
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
  });
}

/** The `--root-ca-file` bundle: a readable file holding PEM certificates (upstream refuses anything else too). */
function readRootCa(file: string): string {
  const pem = readFileSync(parseReadableFile(file, '--root-ca-file'), 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--root-ca-file: ${file} holds no PEM certificate`);
  return pem;
}

/** The leader election flags, checked against each other as the elector requires. */
function parseElection(flags: Flags): { namespace: string; name: string; leaseDurationSeconds: number; renewDeadlineMs: number; retryPeriodMs: number } {
  const leaseMs = parseDuration(flags.leaderElectLeaseDuration, '--leader-elect-lease-duration');
  const renewDeadlineMs = parseDuration(flags.leaderElectRenewDeadline, '--leader-elect-renew-deadline');
  const retryPeriodMs = parseDuration(flags.leaderElectRetryPeriod, '--leader-elect-retry-period');
  if (leaseMs < 1000 || leaseMs % 1000 !== 0) throw new UsageError(`--leader-elect-lease-duration must be a whole number of seconds, at least 1s, got ${JSON.stringify(flags.leaderElectLeaseDuration)}`);
  if (renewDeadlineMs >= leaseMs) throw new UsageError('--leader-elect-renew-deadline must be shorter than --leader-elect-lease-duration');
  if (retryPeriodMs <= 0 || retryPeriodMs >= renewDeadlineMs) throw new UsageError('--leader-elect-retry-period must be longer than 0s and shorter than --leader-elect-renew-deadline');
  return { namespace: flags.leaderElectResourceNamespace, name: flags.leaderElectResourceName, leaseDurationSeconds: leaseMs / 1000, renewDeadlineMs, retryPeriodMs };
}
