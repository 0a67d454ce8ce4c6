/**
 * `k8ts node kill|stop|start <node>` (chaos and maintenance on one node's processes) and
 * `k8ts node add --role control-plane` / `k8ts node remove <node>` (membership of a running HA
 * cluster).
 */
import type { Command } from 'commander';
import { DEFAULT_CLUSTER_NAME } from '../../cluster/cluster-name.ts';
import { clusterDir, k8tsHome } from '../../cluster/k8ts-home.ts';
import type { NodeProcessOutcome } from '../../cluster/node-ops.ts';
import type { CliContext } from '../cli-context.ts';
import { parseClusterName, parseSeconds } from '../flags.ts';
import { UsageError } from '../usage-error.ts';

interface NodeFlags {
  name: string;
  timeout: string;
}

function report(ctx: CliContext, node: string, outcomes: readonly NodeProcessOutcome[], verb: string): void {
  if (outcomes.length === 0) ctx.err(`  node ${node} has no processes recorded\n`);
  for (const o of outcomes) {
    const what = o.outcome === 'not-running' ? 'was not running' : o.outcome === 'killed' ? (verb === 'killed' ? 'killed (SIGKILL)' : 'killed (it did not stop on SIGTERM)') : 'stopped';
    ctx.err(`  ${o.name} (pid ${o.pid}) ${what}\n`);
  }
}

export function registerNode(program: Command, ctx: CliContext): void {
  const node = program.command('node').description("act on one node of a cluster: kill, stop or start its processes; add or remove nodes of an HA cluster");
  const common = (cmd: Command): Command => cmd.option('--name <name>', 'cluster name', DEFAULT_CLUSTER_NAME).option('--timeout <seconds>', 'how long to wait for health gates', '120');

  common(node.command('kill <node>').description("SIGKILL every process of the node (by recorded PID, after checking it still is that process), like a crash")).action(
    async (nodeName: string, flags: NodeFlags) => {
      const name = parseClusterName(flags.name);
      const { killNode } = await import('../../cluster/node-ops.ts');
      const outcomes = await killNode(k8tsHome(ctx.env), name, nodeName);
      report(ctx, nodeName, outcomes, 'killed');
      ctx.out(`Node "${nodeName}" of cluster "${name}" killed (\`k8ts node start ${nodeName} --name ${name}\` starts it again).\n`);
    },
  );

  common(node.command('stop <node>').description('stop the processes of the node cleanly (apiserver first, then its etcd member)')).action(async (nodeName: string, flags: NodeFlags) => {
    const name = parseClusterName(flags.name);
    const { stopNode } = await import('../../cluster/node-ops.ts');
    const outcomes = await stopNode(k8tsHome(ctx.env), name, nodeName);
    report(ctx, nodeName, outcomes, 'stopped');
    ctx.out(`Node "${nodeName}" of cluster "${name}" stopped.\n`);
  });

  common(node.command('start <node>').description("start the node's processes again and wait until they serve (an etcd member until it has rejoined the quorum)")).action(
    async (nodeName: string, flags: NodeFlags) => {
      const name = parseClusterName(flags.name);
      const timeoutMs = parseSeconds(flags.timeout, '--timeout');
      const home = k8tsHome(ctx.env);
      const { loadNode, startHaNode, upCluster } = await import('../../cluster/index.ts');
      const { dir, record, node: target } = await loadNode(home, name, nodeName);
      if (record.topology === 'single') {
        await upCluster({ home, name, mergeKubeconfig: false, readyTimeoutMs: timeoutMs, progress: (line) => ctx.err(`${line}\n`) });
      } else {
        const started = await startHaNode(dir, record, target, timeoutMs, (line) => ctx.err(`${line}\n`));
        if (started.length === 0) ctx.err(`  every process of ${nodeName} was already running\n`);
      }
      ctx.out(`Node "${nodeName}" of cluster "${name}" is running.\n`);
    },
  );

  common(node.command('add').description('add a node to a running cluster: control-plane (HA topologies: the next cp-N; in the stacked topology it joins a new etcd member) or worker (any topology: the next worker-N, running `k8ts agent`)'))
    .requiredOption('--role <role>', 'control-plane or worker')
    .option('--force', 'accept an even etcd member count afterwards')
    .action(async (flags: NodeFlags & { role: string; force?: boolean }) => {
      const name = parseClusterName(flags.name);
      const timeoutMs = parseSeconds(flags.timeout, '--timeout');
      if (flags.role !== 'control-plane' && flags.role !== 'worker') throw new UsageError(`--role must be control-plane or worker, got ${JSON.stringify(flags.role)}`);
      const home = k8tsHome(ctx.env);
      const { addControlPlane, addWorker, readClusterRecord } = await import('../../cluster/index.ts');
      const dir = clusterDir(home, name);
      const record = await readClusterRecord(dir);
      if (record === undefined) throw new Error(`there is no cluster "${name}" in ${home}; \`k8ts up --name ${name}\` creates it`);
      const membership = { dir, record, force: flags.force === true, timeoutMs, progress: (line: string) => ctx.err(`${line}\n`) };
      const added = flags.role === 'worker' ? await addWorker(membership) : await addControlPlane(membership);
      ctx.out(`Node "${added.name}" (${added.address}) joined cluster "${name}" as a ${flags.role === 'worker' ? 'worker' : 'control plane'}.\n`);
    });

  common(node.command('remove <node>').description('remove a node from a running cluster (a worker from any topology; a stacked control plane or an etcd node also leaves the etcd membership; its data is deleted)'))
    .option('--force', 'accept an even etcd member count afterwards')
    .action(async (nodeName: string, flags: NodeFlags & { force?: boolean }) => {
      const name = parseClusterName(flags.name);
      const timeoutMs = parseSeconds(flags.timeout, '--timeout');
      const { loadNode, removeNode } = await import('../../cluster/index.ts');
      const { dir, record, node: target } = await loadNode(k8tsHome(ctx.env), name, nodeName);
      await removeNode({ dir, record, node: target, force: flags.force === true, timeoutMs, progress: (line) => ctx.err(`${line}\n`) });
      ctx.out(`Node "${nodeName}" removed from cluster "${name}".\n`);
    });
}
