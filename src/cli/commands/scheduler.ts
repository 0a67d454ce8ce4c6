/**
 * `k8ts scheduler`: runs the scheduler (kube-scheduler) in the foreground as its own process,
 * talking to the apiservers of a kubeconfig (or those given with --server, between which it
 * fails over), under leader election on the `kube-system/kube-scheduler` Lease unless told
 * otherwise. The flags are kube-scheduler's own (durations in Go notation: `10s`, `500ms`);
 * `--lease-duration`, `--renew-deadline` and `--retry-period` are short forms of the
 * `--leader-elect-*` ones. SIGTERM or SIGINT stops it and releases the lease, so a standby
 * takes over at once.
 */
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Clientset, lineLogger, runEndpointsRefresher } from '../../client/index.ts';
import { DEFAULT_SCHEDULER_NAME, defaultProfile, runScheduler, type SchedulerLeaderElection } from '../../scheduler/index.ts';
import type { CliContext } from '../cli-context.ts';
import { parseBoolean, parseDuration, parseReadableFile, parseServerUrl } from '../flags.ts';
import { UsageError } from '../usage-error.ts';

interface SchedulerFlags {
  kubeconfig?: string;
  server: string[];
  leaderElect: string;
  leaderElectLeaseDuration?: string;
  leaderElectRenewDeadline?: string;
  leaderElectRetryPeriod?: string;
  leaseDuration?: string;
  renewDeadline?: string;
  retryPeriod?: string;
  leaderElectResourceNamespace: string;
  leaderElectResourceName: string;
  schedulerName: string;
  percentageOfNodesToScore: string;
}

const DEFAULT_LEASE_DURATION = '2s';
const DEFAULT_RENEW_DEADLINE = '1500ms';
const DEFAULT_RETRY_PERIOD = '500ms';

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 15_000;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The value of a flag that has a long and a short name; both at once is a mistake. */
function either(long: string | undefined, short: string | undefined, longName: string, shortName: string, fallback: string): [string, string] {
  if (long !== undefined && short !== undefined) throw new UsageError(`${longName} and ${shortName} are the same setting: give one of them`);
  if (short !== undefined) return [short, shortName];
  return [long ?? fallback, longName];
}

/** The leader election flags, checked against each other as the elector requires. */
function parseElection(flags: SchedulerFlags, identity: string): SchedulerLeaderElection {
  const [lease, leaseFlag] = either(flags.leaderElectLeaseDuration, flags.leaseDuration, '--leader-elect-lease-duration', '--lease-duration', DEFAULT_LEASE_DURATION);
  const [renew, renewFlag] = either(flags.leaderElectRenewDeadline, flags.renewDeadline, '--leader-elect-renew-deadline', '--renew-deadline', DEFAULT_RENEW_DEADLINE);
  const [retry, retryFlag] = either(flags.leaderElectRetryPeriod, flags.retryPeriod, '--leader-elect-retry-period', '--retry-period', DEFAULT_RETRY_PERIOD);
  const leaseMs = parseDuration(lease, leaseFlag);
  const renewDeadlineMs = parseDuration(renew, renewFlag);
  const retryPeriodMs = parseDuration(retry, retryFlag);
  if (leaseMs < 1000 || leaseMs % 1000 !== 0) throw new UsageError(`${leaseFlag} must be a whole number of seconds (the Lease API counts in seconds), at least 1s, got ${JSON.stringify(lease)}`);
  if (renewDeadlineMs >= leaseMs) throw new UsageError(`${renewFlag} must be shorter than ${leaseFlag}`);
  if (retryPeriodMs <= 0 || retryPeriodMs >= renewDeadlineMs) throw new UsageError(`${retryFlag} must be longer than 0s and shorter than ${renewFlag}`);
  return {
    identity,
    namespace: flags.leaderElectResourceNamespace,
    name: flags.leaderElectResourceName,
    leaseDurationSeconds: leaseMs / 1000,
    renewDeadlineMs,
    retryPeriodMs,
  };
}

export function registerScheduler(program: Command, ctx: CliContext): void {
  program
    .command('scheduler')
    .description('run the scheduler in the foreground: assigns pending pods to nodes (under leader election by default)')
    .option('--kubeconfig <file>', 'kubeconfig with the apiserver address and credentials (default: $KUBECONFIG)')
    .option('--server <url>', "apiserver URL to use instead of the kubeconfig's; repeat for several (failover in order)", collect, [])
    .option('--leader-elect <bool>', 'schedule only while holding the kube-system/kube-scheduler Lease, so that one of several instances acts', 'true')
    .option('--leader-elect-lease-duration <duration>', `how long standbys wait after the last renewal before taking over (whole seconds; default ${DEFAULT_LEASE_DURATION})`)
    .option('--leader-elect-renew-deadline <duration>', `how long the leader keeps scheduling without a successful renewal (< lease duration; default ${DEFAULT_RENEW_DEADLINE})`)
    .option('--leader-elect-retry-period <duration>', `interval between renewals and acquisition attempts (default ${DEFAULT_RETRY_PERIOD})`)
    .option('--lease-duration <duration>', 'short for --leader-elect-lease-duration')
    .option('--renew-deadline <duration>', 'short for --leader-elect-renew-deadline')
    .option('--retry-period <duration>', 'short for --leader-elect-retry-period')
    .option('--leader-elect-resource-namespace <ns>', 'namespace of the leader election Lease', 'kube-system')
    .option('--leader-elect-resource-name <name>', 'name of the leader election Lease', 'kube-scheduler')
    .option('--scheduler-name <name>', 'schedule the pods whose spec.schedulerName is this', DEFAULT_SCHEDULER_NAME)
    .option('--percentage-of-nodes-to-score <n>', 'share of nodes to find feasible before scoring, 1-100, or 0 for the adaptive default', '0')
    .action(async (flags: SchedulerFlags) => {
      const kubeconfig = flags.kubeconfig ?? ctx.env.KUBECONFIG;
      if (kubeconfig === undefined || kubeconfig === '') {
        throw new UsageError('--kubeconfig is required (or set $KUBECONFIG): give the kubeconfig of the cluster, e.g. the one `k8ts kubeconfig` writes');
      }
      const kubeconfigPath = parseReadableFile(kubeconfig, '--kubeconfig');
      const servers = flags.server.map((s) => parseServerUrl(s));
      const identity = `${hostname()}_${randomUUID()}`;
      const leaderElection = parseBoolean(flags.leaderElect, '--leader-elect') ? parseElection(flags, identity) : undefined;
      const percentage = /^\d+$/.test(flags.percentageOfNodesToScore) ? Number(flags.percentageOfNodesToScore) : NaN;
      if (!(percentage >= 0 && percentage <= 100)) throw new UsageError(`--percentage-of-nodes-to-score must be an integer 0-100, got ${JSON.stringify(flags.percentageOfNodesToScore)}`);

      const logger = lineLogger((line) => ctx.err(`${new Date().toISOString()} ${line}\n`));
      const clientset = await Clientset.fromKubeconfig(kubeconfigPath, undefined, {
        ...(servers.length > 0 ? { endpoints: servers } : {}),
        userAgent: 'k8ts-scheduler',
        logger,
      }).catch((err: unknown) => {
        throw new UsageError(`--kubeconfig: ${err instanceof Error ? err.message : String(err)}`);
      });
      const abort = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => {
        if (abort.signal.aborted) {
          logger.warn(`received ${signal} again; exiting without finishing the shutdown`);
          process.exit(1);
        }
        logger.info(`received ${signal}; shutting down`);
        abort.abort();
        setTimeout(() => {
          logger.error(`shutdown did not finish within ${SHUTDOWN_TIMEOUT_MS / 1000}s; exiting`);
          process.exit(1);
        }, SHUTDOWN_TIMEOUT_MS).unref();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      logger.info('starting the scheduler', { identity, endpoints: clientset.rest.endpoints, leaderElect: leaderElection !== undefined });
      try {
        await Promise.all([
          runEndpointsRefresher(clientset, abort.signal, { logger }),
          runScheduler(
            {
              clientset,
              logger,
              profile: defaultProfile(flags.schedulerName),
              percentageOfNodesToScore: percentage,
              ...(leaderElection === undefined ? {} : { leaderElection }),
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
