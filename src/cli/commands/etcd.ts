/** `k8ts etcd snapshot save|restore`: backups of an HA cluster's etcd, and new clusters from them. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CLUSTER_NAME } from '../../cluster/cluster-name.ts';
import { LayoutError, resolveLayout, type LayoutRequest } from '../../cluster/ha-plan.ts';
import { k8tsHome } from '../../cluster/k8ts-home.ts';
import type { CliContext } from '../cli-context.ts';
import { parseClusterName, parsePositiveInteger, parseReadableFile, parseSeconds } from '../flags.ts';
import { UsageError } from '../usage-error.ts';

interface RestoreFlags {
  name?: string;
  controlPlanes?: string;
  topology?: string;
  etcdMembers?: string;
  lb?: string;
  force?: boolean;
  mergeKubeconfig: boolean;
  timeout: string;
}

function restoreLayout(flags: RestoreFlags): ReturnType<typeof resolveLayout> {
  if (flags.topology !== undefined && flags.topology !== 'stacked' && flags.topology !== 'external') {
    throw new UsageError(`--topology must be stacked or external (the topologies with etcd), got ${JSON.stringify(flags.topology)}`);
  }
  if (flags.lb !== undefined && flags.lb !== 'builtin' && flags.lb !== 'haproxy') throw new UsageError(`--lb must be builtin or haproxy, got ${JSON.stringify(flags.lb)}`);
  const request: LayoutRequest = {
    topology: (flags.topology) ?? 'stacked',
    controlPlanes: flags.controlPlanes === undefined ? 3 : parsePositiveInteger(flags.controlPlanes, '--control-planes'),
    ...(flags.etcdMembers === undefined ? {} : { etcdMembers: parsePositiveInteger(flags.etcdMembers, '--etcd-members') }),
    ...(flags.lb === undefined ? {} : { lb: flags.lb }),
    ...(flags.force === true ? { force: true } : {}),
  };
  try {
    return resolveLayout(request);
  } catch (err) {
    if (err instanceof LayoutError) throw new UsageError(err.message);
    throw err;
  }
}

export function registerEtcd(program: Command, ctx: CliContext): void {
  const etcd = program.command('etcd').description("the etcd of an HA cluster: snapshots");
  const snapshot = etcd.command('snapshot').description('save a snapshot of a cluster\'s etcd, or restore one into a new cluster');

  snapshot
    .command('save <file>')
    .description("stream a snapshot of the cluster's etcd (from its leader) into <file>")
    .option('--name <name>', 'cluster name', DEFAULT_CLUSTER_NAME)
    .action(async (file: string, flags: { name: string }) => {
      const name = parseClusterName(flags.name);
      const { saveClusterSnapshot } = await import('../../cluster/ha-snapshot.ts');
      const path = resolve(file);
      const saved = await saveClusterSnapshot(k8tsHome(ctx.env), name, path);
      ctx.out(`Snapshot of cluster "${name}" saved to ${path} (from etcd member ${saved.member}, revision ${saved.revision} or later).\n`);
    });

  snapshot
    .command('restore <file>')
    .description('create a new cluster whose etcd holds the data of <file>, and start it (default layout: stacked, 3 control planes)')
    .requiredOption('--name <name>', 'name of the new cluster')
    .option('--control-planes <n>', 'control-plane nodes (default 3)')
    .option('--topology <topology>', 'stacked (default) or external')
    .option('--etcd-members <n>', 'etcd nodes of the external topology (default 3)')
    .option('--lb <kind>', 'builtin (default) or haproxy')
    .option('--force', 'accept an even etcd member count')
    .option('--no-merge-kubeconfig', 'do not add the context k8ts-<name> to your kubeconfig')
    .option('--timeout <seconds>', 'how long to wait for the cluster to become ready', '120')
    .action(async (file: string, flags: RestoreFlags) => {
      const name = parseClusterName(flags.name ?? '');
      const path = parseReadableFile(file, 'snapshot file');
      const layout = restoreLayout(flags);
      const timeoutMs = parseSeconds(flags.timeout, '--timeout');
      const home = k8tsHome(ctx.env);
      const progress = (line: string): void => ctx.err(`${line}\n`);
      const { restoreClusterSnapshot } = await import('../../cluster/ha-snapshot.ts');
      const { upCluster, userKubeconfigPath } = await import('../../cluster/index.ts');
      await restoreClusterSnapshot({ home, name, file: path, layout, progress });
      const result = await upCluster({ home, name, mergeKubeconfig: flags.mergeKubeconfig, userKubeconfig: userKubeconfigPath(ctx.env), readyTimeoutMs: timeoutMs, progress });
      ctx.out(`Cluster "${name}" restored from ${path} and up at ${result.url} (${(result.elapsedMs / 1000).toFixed(1)}s).\nkubeconfig: ${result.kubeconfigPath}\n`);
    });
}
