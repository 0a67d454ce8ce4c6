/** `k8ts down`: stop a cluster's processes, keeping its data unless --delete. */
import type { Command } from 'commander';
import { DEFAULT_CLUSTER_NAME } from '../../cluster/cluster-name.ts';
import { k8tsHome } from '../../cluster/k8ts-home.ts';
import type { CliContext } from '../cli-context.ts';
import { parseClusterName } from '../flags.ts';

interface DownFlags {
  name: string;
  delete?: boolean;
}

export function registerDown(program: Command, ctx: CliContext): void {
  program
    .command('down')
    .description('stop a cluster (its data is kept for the next `k8ts up`)')
    .option('--name <name>', 'cluster name', DEFAULT_CLUSTER_NAME)
    .option('--delete', "also delete the cluster's data and its entries in your kubeconfig")
    .action(async (flags: DownFlags) => {
      const name = parseClusterName(flags.name);
      const { downCluster, userKubeconfigPath } = await import('../../cluster/index.ts');
      const result = await downCluster({ home: k8tsHome(ctx.env), name, delete: flags.delete === true, userKubeconfig: userKubeconfigPath(ctx.env) });
      for (const p of result.processes) {
        const what = p.outcome === 'stopped' ? 'stopped' : p.outcome === 'killed' ? 'killed (it did not stop on SIGTERM)' : 'was not running';
        ctx.err(`  ${p.name} (pid ${p.pid}) ${what}\n`);
      }
      if (result.podContainers > 0) ctx.err(`  stopped ${result.podContainers} pod container${result.podContainers === 1 ? '' : 's'}\n`);
      if (flags.delete === true) {
        if (result.kubeconfigCleaned !== undefined) ctx.err(`  removed context k8ts-${name} from ${result.kubeconfigCleaned}\n`);
        ctx.out(result.existed ? `Cluster "${name}" deleted.\n` : `Cluster "${name}" does not exist; nothing to delete.\n`);
      } else {
        ctx.out(`Cluster "${name}" stopped; its data is kept (\`k8ts up --name ${name}\` restarts it, \`k8ts down --name ${name} --delete\` removes it).\n`);
      }
    });
}
