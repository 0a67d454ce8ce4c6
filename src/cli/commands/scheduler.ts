/**
 * `k8ts scheduler`: runs the scheduler in the foreground as its own process, talking to the
 * apiservers of a kubeconfig (or those given with --server, between which it fails over), under
 * leader election on the `kube-system/kube-scheduler` Lease unless told otherwise. SIGTERM or
 * SIGINT stops it and releases the lease, so a standby takes over at once.
 */
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Clientset, lineLogger, runEndpointsRefresher } from '../../client/index.ts';
import { DEFAULT_SCHEDULER_NAME, defaultProfile, runScheduler } from '../../scheduler/index.ts';
import type { CliContext } from '../cli-context.ts';
import { parseBoolean, parseDuration, parseReadableFile, parseServerUrl } from '../flags.ts';
import { UsageError } from '../usage-error.ts';

interface SchedulerFlags {
  kubeconfig?: string;
  server: string[];
  leaderElect: string | boolean;
  leaseDuration: string;
  renewDeadline: string;
  retryPeriod: string;
  schedulerName: string;
  percentageOfNodesToScore: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerScheduler(program: Command, ctx: CliContext): void {
  program
    .command('scheduler')
    .description('run the scheduler in the foreground: assigns pending pods to nodes (under leader election by default)')
    .option('--kubeconfig <file>', 'kubeconfig with the apiserver address and credentials (required)')
    .option('--server <url>', 'apiserver URL to use instead of the kubeconfig\'s (repeat for several; the scheduler fails over between them)', collect, [])
    .option('--leader-elect [bool]', 'contend for the kube-system/kube-scheduler Lease and schedule only while holding it', 'true')
    .option('--lease-duration <duration>', 'how long standbys wait after the last renewal before taking over (whole seconds)', '2s')
    .option('--renew-deadline <duration>', 'the leader stops scheduling this long after its last successful renewal', '1500ms')
    .option('--retry-period <duration>', 'interval between renewals and between attempts to acquire', '500ms')
    .option('--scheduler-name <name>', 'schedule the pods whose spec.schedulerName is this', DEFAULT_SCHEDULER_NAME)
    .option('--percentage-of-nodes-to-score <n>', 'share of nodes to find feasible before scoring, 1-100, or 0 for the adaptive default', '0')
    .action(async (flags: SchedulerFlags) => {
      if (flags.kubeconfig === undefined) throw new UsageError('--kubeconfig is required: give the kubeconfig the scheduler authenticates with (e.g. the output of `k8ts kubeconfig`)');
      const kubeconfig = parseReadableFile(flags.kubeconfig, '--kubeconfig');
      const servers = flags.server.map((s) => parseServerUrl(s));
      const leaderElect = parseBoolean(flags.leaderElect, '--leader-elect');
      const leaseDurationMs = parseDuration(flags.leaseDuration, '--lease-duration');
      const renewDeadlineMs = parseDuration(flags.renewDeadline, '--renew-deadline');
      const retryPeriodMs = parseDuration(flags.retryPeriod, '--retry-period');
      if (!Number.isInteger(leaseDurationMs / 1000)) throw new UsageError(`--lease-duration must be whole seconds (the Lease API counts in seconds), got ${JSON.stringify(flags.leaseDuration)}`);
      if (renewDeadlineMs >= leaseDurationMs) throw new UsageError('--renew-deadline must be shorter than --lease-duration');
      if (retryPeriodMs >= renewDeadlineMs) throw new UsageError('--retry-period must be shorter than --renew-deadline');
      const percentage = /^\d+$/.test(flags.percentageOfNodesToScore) ? Number(flags.percentageOfNodesToScore) : NaN;
      if (!(percentage >= 0 && percentage <= 100)) throw new UsageError(`--percentage-of-nodes-to-score must be an integer 0-100, got ${JSON.stringify(flags.percentageOfNodesToScore)}`);

      const logger = lineLogger((line) => ctx.err(`${new Date().toISOString()} ${line}\n`));
      const clientset = await Clientset.fromKubeconfig(kubeconfig, undefined, {
        ...(servers.length > 0 ? { endpoints: servers } : {}),
        userAgent: 'k8ts-scheduler',
        logger,
      }).catch((err: unknown) => {
        throw new UsageError(`--kubeconfig: ${err instanceof Error ? err.message : String(err)}`);
      });
      const abort = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => {
        if (abort.signal.aborted) process.exit(1);
        logger.info(`received ${signal}; stopping`);
        abort.abort();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      const identity = `${hostname()}_${randomUUID()}`;
      logger.info('starting the scheduler', { identity, endpoints: clientset.rest.endpoints, leaderElect });
      try {
        await Promise.all([
          runEndpointsRefresher(clientset, abort.signal, { logger }),
          runScheduler(
            {
              clientset,
              logger,
              profile: defaultProfile(flags.schedulerName),
              percentageOfNodesToScore: percentage,
              ...(leaderElect ? { leaderElection: { identity, leaseDurationSeconds: leaseDurationMs / 1000, renewDeadlineMs, retryPeriodMs } } : {}),
            },
            abort.signal,
          ),
        ]);
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        clientset.close();
      }
      logger.info('stopped');
    });
}
