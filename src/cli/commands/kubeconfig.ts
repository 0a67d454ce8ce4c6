/** `k8ts kubeconfig`: print the path of a cluster's admin kubeconfig. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_CLUSTER_NAME } from '../../cluster/cluster-name.ts';
import { clusterDir, k8tsHome } from '../../cluster/k8ts-home.ts';
import type { CliContext } from '../cli-context.ts';
import { parseClusterName } from '../flags.ts';

export function registerKubeconfig(program: Command, ctx: CliContext): void {
  program
    .command('kubeconfig')
    .description("print the path of a cluster's admin kubeconfig (e.g. export KUBECONFIG=$(k8ts kubeconfig))")
    .option('--name <name>', 'cluster name', DEFAULT_CLUSTER_NAME)
    .action(async (flags: { name: string }) => {
      const name = parseClusterName(flags.name);
      const { readClusterRecord, serverLayout } = await import('../../cluster/index.ts');
      const home = k8tsHome(ctx.env);
      const dir = clusterDir(home, name);
      const path = serverLayout(dir).kubeconfigPath;
      if ((await readClusterRecord(dir)) === undefined || !existsSync(path)) {
        throw new Error(`there is no cluster "${name}" in ${home}; \`k8ts up --name ${name}\` creates it`);
      }
      ctx.out(`${path}\n`);
    });
}
