/** `k8ts up`: start (or create) a local cluster in the background and wait until it is ready. */
import type { Command } from 'commander';
import { DEFAULT_CLUSTER_NAME, k8tsHome, upCluster, userKubeconfigPath } from '../../cluster/index.ts';
import type { CliContext } from '../cli-context.ts';
import { parseClusterName, parseSeconds } from '../flags.ts';

interface UpFlags {
  name: string;
  mergeKubeconfig: boolean;
  timeout: string;
}

export function registerUp(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description('start a single-node cluster in the background (created on first use, restarted with its data after) and wait until it is ready')
    .option('--name <name>', 'cluster name (a DNS-1123 label)', DEFAULT_CLUSTER_NAME)
    .option('--no-merge-kubeconfig', "do not add the context k8ts-<name> to your kubeconfig ($KUBECONFIG's first file, else ~/.kube/config)")
    .option('--timeout <seconds>', 'how long to wait for the cluster to become ready', '120')
    .action(async (flags: UpFlags) => {
      const name = parseClusterName(flags.name);
      const readyTimeoutMs = parseSeconds(flags.timeout, '--timeout');
      const result = await upCluster({
        home: k8tsHome(ctx.env),
        name,
        mergeKubeconfig: flags.mergeKubeconfig,
        userKubeconfig: userKubeconfigPath(ctx.env),
        readyTimeoutMs,
        progress: (line) => ctx.err(`${line}\n`),
      });
      const seconds = (result.elapsedMs / 1000).toFixed(1);
      if (result.outcome === 'already-running') {
        ctx.out(`Cluster "${name}" is already running at ${result.url} (pid ${result.pid}).\n`);
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
