/** `k8ts up`: start (or create) a local cluster in the background and wait until it is ready. */
import type { Command } from 'commander';
import { DEFAULT_CLUSTER_NAME } from '../../cluster/cluster-name.ts';
import { LayoutError, resolveLayout, type LayoutRequest } from '../../cluster/ha-plan.ts';
import { k8tsHome } from '../../cluster/k8ts-home.ts';
import type { CliContext } from '../cli-context.ts';
import { parseClusterName, parseNonNegativeInteger, parsePositiveInteger, parseSeconds } from '../flags.ts';
import { UsageError } from '../usage-error.ts';

interface UpFlags {
  name: string;
  mergeKubeconfig: boolean;
  timeout: string;
  controlPlanes?: string;
  topology?: string;
  etcdMembers?: string;
  lb?: string;
  force?: boolean;
  workers?: string;
  runtime?: string;
}

function parseLayout(flags: UpFlags): LayoutRequest {
  if (flags.topology !== undefined && !['single', 'stacked', 'external'].includes(flags.topology)) {
    throw new UsageError(`--topology must be single, stacked or external, got ${JSON.stringify(flags.topology)}`);
  }
  if (flags.lb !== undefined && flags.lb !== 'builtin' && flags.lb !== 'haproxy') throw new UsageError(`--lb must be builtin or haproxy, got ${JSON.stringify(flags.lb)}`);
  if (flags.runtime !== undefined && flags.runtime !== 'process' && flags.runtime !== 'sim') throw new UsageError(`--runtime must be process or sim, got ${JSON.stringify(flags.runtime)}`);
  const request: LayoutRequest = {
    ...(flags.topology === undefined ? {} : { topology: flags.topology as 'single' | 'stacked' | 'external' }),
    ...(flags.controlPlanes === undefined ? {} : { controlPlanes: parsePositiveInteger(flags.controlPlanes, '--control-planes') }),
    ...(flags.etcdMembers === undefined ? {} : { etcdMembers: parsePositiveInteger(flags.etcdMembers, '--etcd-members') }),
    ...(flags.lb === undefined ? {} : { lb: flags.lb }),
    ...(flags.force === true ? { force: true } : {}),
    ...(flags.workers === undefined ? {} : { workers: parseNonNegativeInteger(flags.workers, '--workers') }),
    ...(flags.runtime === undefined ? {} : { workerRuntime: flags.runtime }),
  };
  try {
    resolveLayout(request);
  } catch (err) {
    if (err instanceof LayoutError) throw new UsageError(err.message);
    throw err;
  }
  return request;
}

export function registerUp(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description('start a cluster in the background (created on first use, restarted with its data after) and wait until it is ready: a single node by default, or an HA control plane')
    .option('--name <name>', 'cluster name (a DNS-1123 label)', DEFAULT_CLUSTER_NAME)
    .option('--no-merge-kubeconfig', "do not add the context k8ts-<name> to your kubeconfig ($KUBECONFIG's first file, else ~/.kube/config)")
    .option('--timeout <seconds>', 'how long to wait for the cluster to become ready', '120')
    .option('--control-planes <n>', 'control-plane nodes cp-1..cp-N (more than 1: an HA topology)')
    .option('--topology <topology>', 'single (one node on SQLite), stacked (an etcd member on every control-plane node) or external (etcd on nodes of its own)')
    .option('--etcd-members <n>', 'etcd nodes etcd-1..etcd-K of the external topology (default 3)')
    .option('--lb <kind>', 'the load balancer in front of the apiservers: builtin or haproxy (default builtin)')
    .option('--force', 'accept an even etcd member count')
    .option('--workers <n>', 'worker nodes worker-1..worker-N, each running kubelet and kube-proxy (`k8ts agent`); the control-plane nodes then take no pods (NoSchedule taint)')
    .option('--runtime <runtime>', "the workers' runtime: process (pods run as local processes) or sim (simulated pods, no processes)")
    .action(async (flags: UpFlags) => {
      const name = parseClusterName(flags.name);
      const readyTimeoutMs = parseSeconds(flags.timeout, '--timeout');
      const layout = parseLayout(flags);
      const { upCluster, userKubeconfigPath } = await import('../../cluster/index.ts');
      const result = await upCluster({
        home: k8tsHome(ctx.env),
        name,
        mergeKubeconfig: flags.mergeKubeconfig,
        userKubeconfig: userKubeconfigPath(ctx.env),
        readyTimeoutMs,
        layout,
        progress: (line) => ctx.err(`${line}\n`),
      });
      const seconds = (result.elapsedMs / 1000).toFixed(1);
      const what = result.pid !== undefined ? `pid ${result.pid}` : `${result.processes ?? 0} processes`;
      if (result.outcome === 'already-running') {
        ctx.out(`Cluster "${name}" is already running at ${result.url} (${what}).\n`);
      } else {
        ctx.out(`Cluster "${name}" is up at ${result.url} (${result.outcome === 'created' ? 'created' : 'restarted'} in ${seconds}s).\n`);
      }
      ctx.out(`kubeconfig: ${result.kubeconfigPath}\n`);
      if (result.mergedInto !== undefined) {
        ctx.out(`Context "${result.context}" is current in ${result.mergedInto}; try: kubectl get namespaces\n`);
      } else {
        ctx.out(`Try: kubectl --kubeconfig ${result.kubeconfigPath} get namespaces\n`);
      }
    });
}
