/** `k8ts status`: a cluster's nodes and processes, whether each is running and ready; etcd, load balancer and leases of HA clusters. */
import type { Command } from 'commander';
import { DEFAULT_CLUSTER_NAME } from '../../cluster/cluster-name.ts';
import { k8tsHome } from '../../cluster/k8ts-home.ts';
import type { CliContext } from '../cli-context.ts';
import { parseClusterName } from '../flags.ts';
import { UsageError } from '../usage-error.ts';

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("show a cluster's nodes and processes and whether each is running and ready; for HA clusters also the etcd members and quorum, the load balancer's backends and the lease holders (exit code 1 when not all is healthy)")
    .option('--name <name>', 'cluster name', DEFAULT_CLUSTER_NAME)
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (flags: { name: string; output: string }) => {
      const name = parseClusterName(flags.name);
      if (flags.output !== 'text' && flags.output !== 'json') throw new UsageError(`--output must be text or json, got ${JSON.stringify(flags.output)}`);
      const { clusterStatus, formatClusterStatus } = await import('../../cluster/index.ts');
      const status = await clusterStatus(k8tsHome(ctx.env), name);
      ctx.out(flags.output === 'json' ? `${JSON.stringify(status, null, 2)}\n` : `${formatClusterStatus(status)}\n`);
      if (!status.healthy) ctx.setExitCode(1);
    });
}
