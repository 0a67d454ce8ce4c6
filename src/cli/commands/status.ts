/** `k8ts status`: a cluster's processes, and whether each is running and ready. */
import type { Command } from 'commander';
import { clusterStatus, DEFAULT_CLUSTER_NAME, formatClusterStatus, k8tsHome } from '../../cluster/index.ts';
import type { CliContext } from '../cli-context.ts';
import { parseClusterName } from '../flags.ts';

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("show a cluster's processes and whether each is running and ready (exit code 1 when not all are)")
    .option('--name <name>', 'cluster name', DEFAULT_CLUSTER_NAME)
    .action(async (flags: { name: string }) => {
      const name = parseClusterName(flags.name);
      const status = await clusterStatus(k8tsHome(ctx.env), name);
      ctx.out(`${formatClusterStatus(status)}\n`);
      if (!status.healthy) ctx.setExitCode(1);
    });
}
