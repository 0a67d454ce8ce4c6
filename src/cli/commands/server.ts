/**
 * `k8ts server`: run one API server (and the in-process components) in the foreground, on SQLite
 * in a data directory or on an etcd cluster, until SIGTERM or SIGINT.
 */
import type { Command } from 'commander';
import { DEFAULT_TOLERATION_SECONDS } from '../../api/core/v1/pod-default-tolerations.ts';
import { APISERVER_PORT, defaultServiceClusterIpRange } from '../../cluster/address-plan.ts';
import { defaultServerDataDir, k8tsHome } from '../../cluster/k8ts-home.ts';
import type { InProcessComponent, ServerStorageOptions } from '../../cluster/index.ts';
import { AUTHORIZATION_MODES, type AuthorizationMode } from '../../apiserver/authz/authorization-mode.ts';
import type { CliContext } from '../cli-context.ts';
import {
  parseCount,
  parseDirectory,
  parseIpAddress,
  parseList,
  parseNodeName,
  parsePodCidr,
  parsePort,
  parsePortRangeFlag,
  parsePositiveInteger,
  parseReadableFile,
  parseSeconds,
  parseServiceCidr,
  parseTaints,
  parseUrl,
} from '../flags.ts';
import { UsageError } from '../usage-error.ts';

interface ServerFlags {
  dataDir?: string;
  bindAddress: string;
  port: string;
  tokenFile?: string;
  authorizationMode: string;
  storage: string;
  etcdServers?: string;
  etcdCafile?: string;
  etcdCertfile?: string;
  etcdKeyfile?: string;
  advertiseAddress?: string;
  nodeName: string;
  components?: string;
  apiserverEndpoints?: string;
  serviceClusterIpRange?: string;
  serviceNodePortRange: string;
  defaultNotReadyTolerationSeconds: string;
  defaultUnreachableTolerationSeconds: string;
  nodeIp?: string;
  podCidr?: string;
  registerWithTaints?: string;
  shutdownDelayDuration?: string;
  identityLeaseDurationSeconds?: string;
  identityLeaseRenewIntervalSeconds?: string;
  leaderElectLeaseDuration?: string;
  leaderElectRenewDeadline?: string;
  leaderElectRetryPeriod?: string;
}

function parseAuthorizationMode(value: string): AuthorizationMode {
  const mode = AUTHORIZATION_MODES.find((m) => m === value);
  if (mode === undefined) throw new UsageError(`--authorization-mode must be ${AUTHORIZATION_MODES.join(' or ')}, got ${JSON.stringify(value)}`);
  return mode;
}

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 30_000;

function parseStorage(flags: ServerFlags): ServerStorageOptions {
  const etcdFlags = [flags.etcdServers, flags.etcdCafile, flags.etcdCertfile, flags.etcdKeyfile];
  if (flags.storage === 'sqlite') {
    if (etcdFlags.some((f) => f !== undefined)) throw new UsageError('--etcd-servers, --etcd-cafile, --etcd-certfile and --etcd-keyfile need --storage etcd');
    return { backend: 'sqlite' };
  }
  if (flags.storage !== 'etcd') throw new UsageError(`--storage must be sqlite or etcd, got ${JSON.stringify(flags.storage)}`);
  if (flags.etcdServers === undefined) throw new UsageError('--storage etcd needs --etcd-servers (the members\' client URLs, comma-separated)');
  const servers = parseList(flags.etcdServers, '--etcd-servers').map((u) => parseUrl(u, '--etcd-servers', ['https:', 'http:']));
  const missing = (['etcdCafile', 'etcdCertfile', 'etcdKeyfile'] as const).filter((k) => flags[k] === undefined).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  if (missing.length > 0) throw new UsageError(`--storage etcd needs ${missing.join(', ')} (the etcd CA and a client certificate it signed)`);
  return {
    backend: 'etcd',
    servers,
    caFile: parseReadableFile(flags.etcdCafile!, '--etcd-cafile'),
    certFile: parseReadableFile(flags.etcdCertfile!, '--etcd-certfile'),
    keyFile: parseReadableFile(flags.etcdKeyfile!, '--etcd-keyfile'),
  };
}

async function parseComponents(value: string | undefined): Promise<InProcessComponent[] | undefined> {
  if (value === undefined) return undefined;
  const { selectInProcessComponents } = await import('../../cluster/index.ts');
  try {
    return selectInProcessComponents(parseList(value, '--components'));
  } catch (err) {
    throw new UsageError(`--components: ${(err as Error).message}`);
  }
}

const optionalSeconds = (value: string | undefined, flag: string): number | undefined => (value === undefined ? undefined : parseSeconds(value, flag));

export function registerServer(program: Command, ctx: CliContext): void {
  program
    .command('server')
    .description('run an API server in the foreground on SQLite at <data-dir>/db/state.db or on etcd (certificates and <data-dir>/kubeconfig are created on first start)')
    .option('--data-dir <dir>', 'state directory (default: $K8TS_HOME/_server)')
    .option('--bind-address <address>', 'IP address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', String(APISERVER_PORT))
    .option('--token-file <file>', 'static bearer tokens: CSV lines token,user,uid,"group1,group2"')
    .option('--authorization-mode <mode>', 'RBAC (system:masters, then Roles and bindings) or AlwaysAllow (every authenticated request)', 'RBAC')
    .option('--storage <backend>', 'where objects live: sqlite (in the data directory) or etcd', 'sqlite')
    .option('--etcd-servers <urls>', 'etcd members\' client URLs, comma-separated (with --storage etcd)')
    .option('--etcd-cafile <file>', 'the etcd CA certificate')
    .option('--etcd-certfile <file>', 'client certificate for etcd, signed by its CA')
    .option('--etcd-keyfile <file>', 'key of --etcd-certfile')
    .option('--advertise-address <address>', 'address other components reach this apiserver at (its lease, the kubernetes Endpoints; default: --bind-address)')
    .option('--node-name <name>', 'the node this server runs on (identities in leases)', 'cp-1')
    .option('--components <list>', 'in-process components, comma-separated (controller-manager, and any other this k8ts has), or none (default: all)')
    .option('--apiserver-endpoints <urls>', 'other apiservers the in-process components fail over to, comma-separated (they also follow the kubernetes Endpoints)')
    .option('--shutdown-delay-duration <seconds>', 'on SIGTERM, keep serving this long after failing readiness, so load balancers take this apiserver out first')
    .option('--identity-lease-duration-seconds <n>', "how long this apiserver's lease lasts unrenewed (it leaves the kubernetes Endpoints after that)", '5')
    .option('--identity-lease-renew-interval-seconds <seconds>', "how often this apiserver renews its lease and rewrites the kubernetes Endpoints", '1')
    .option('--leader-elect-lease-duration <seconds>', 'lease duration of the leader-elected components (whole seconds)')
    .option('--leader-elect-renew-deadline <seconds>', 'a leader that could not renew for this long stops acting')
    .option('--leader-elect-retry-period <seconds>', 'interval between renewals and acquisition attempts')
    .option('--service-cluster-ip-range <cidr>', 'Service ClusterIP range (IPv4 CIDR; default: 127.11.<i>.0/24 for a bind address 127.10.<i>.n, else 127.11.0.0/24)')
    .option('--service-node-port-range <first-last>', 'NodePort range', '30000-32767')
    .option('--default-not-ready-toleration-seconds <n>', 'seconds new pods tolerate the node.kubernetes.io/not-ready:NoExecute taint', String(DEFAULT_TOLERATION_SECONDS.notReady))
    .option('--default-unreachable-toleration-seconds <n>', 'seconds new pods tolerate the node.kubernetes.io/unreachable:NoExecute taint', String(DEFAULT_TOLERATION_SECONDS.unreachable))
    .option('--pod-cidr <cidr>', "also run the node's kubelet in this process, with pods from this range (e.g. 127.21.1.0/24; needs --node-name; pods under <data-dir>/kubelet)")
    .option('--node-ip <address>', "the node's address for its kubelet (InternalIP, kubelet on :10250); default: the bind address")
    .option('--register-with-taints <taints>', 'taints the in-process kubelet registers its node with: key[=value]:Effect,...')
    .action(async (flags: ServerFlags) => {
      const dataDir = parseDirectory(flags.dataDir ?? defaultServerDataDir(k8tsHome(ctx.env)), '--data-dir');
      const bindAddress = parseIpAddress(flags.bindAddress, '--bind-address');
      const port = parsePort(flags.port);
      const tokenFile = flags.tokenFile === undefined ? undefined : parseReadableFile(flags.tokenFile, '--token-file');
      const authorizationMode = parseAuthorizationMode(flags.authorizationMode);
      const serviceClusterIpRange = parseServiceCidr(flags.serviceClusterIpRange ?? defaultServiceClusterIpRange(bindAddress), '--service-cluster-ip-range');
      const serviceNodePortRange = parsePortRangeFlag(flags.serviceNodePortRange, '--service-node-port-range');
      const defaultTolerationSeconds = {
        notReady: parseCount(flags.defaultNotReadyTolerationSeconds, '--default-not-ready-toleration-seconds'),
        unreachable: parseCount(flags.defaultUnreachableTolerationSeconds, '--default-unreachable-toleration-seconds'),
      };
      const node = parseServerNode(flags, bindAddress);
      const storage = parseStorage(flags);
      const advertiseAddress = flags.advertiseAddress === undefined ? undefined : parseIpAddress(flags.advertiseAddress, '--advertise-address');
      if (advertiseAddress === undefined && (bindAddress === '0.0.0.0' || bindAddress === '::')) {
        throw new UsageError(`--bind-address ${bindAddress} listens everywhere: give --advertise-address, the address other components reach this apiserver at`);
      }
      const components = await parseComponents(flags.components);
      const apiServerEndpoints = flags.apiserverEndpoints === undefined ? undefined : parseList(flags.apiserverEndpoints, '--apiserver-endpoints').map((u) => parseUrl(u, '--apiserver-endpoints', ['https:']));
      const leaseDurationSeconds = parsePositiveInteger(flags.identityLeaseDurationSeconds ?? '5', '--identity-lease-duration-seconds');
      const renewIntervalMs = parseSeconds(flags.identityLeaseRenewIntervalSeconds ?? '1', '--identity-lease-renew-interval-seconds');
      if (renewIntervalMs >= leaseDurationSeconds * 1000) throw new UsageError('--identity-lease-renew-interval-seconds must be shorter than --identity-lease-duration-seconds');
      const leLease = flags.leaderElectLeaseDuration === undefined ? undefined : parsePositiveInteger(flags.leaderElectLeaseDuration, '--leader-elect-lease-duration');
      const leRenew = optionalSeconds(flags.leaderElectRenewDeadline, '--leader-elect-renew-deadline');
      const leRetry = optionalSeconds(flags.leaderElectRetryPeriod, '--leader-elect-retry-period');
      const shutdownDelayMs = optionalSeconds(flags.shutdownDelayDuration, '--shutdown-delay-duration');
      const log = (message: string): void => ctx.err(`${new Date().toISOString()} ${message}\n`);

      // Listen for signals before starting, so one that arrives during startup still shuts down cleanly.
      let signalled: (signal: NodeJS.Signals) => void = () => {};
      const stopSignal = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
      const abortStart = new AbortController();
      let started = false;
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals): void => {
        signals++;
        if (signals > 1) {
          log(`received ${signal} again; exiting without finishing the shutdown`);
          process.exit(1);
        }
        if (!started) abortStart.abort();
        signalled(signal);
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      try {
        const { loadServerProcess } = await import('../../cluster/index.ts');
        const { runServerProcess } = await loadServerProcess();
        const server = await runServerProcess({
          dataDir,
          bindAddress,
          port,
          storage,
          nodeName: flags.nodeName,
          identityLease: { durationSeconds: leaseDurationSeconds, renewIntervalMs },
          leaderElection: {
            ...(leLease === undefined ? {} : { leaseDurationSeconds: leLease }),
            ...(leRenew === undefined ? {} : { renewDeadlineMs: leRenew }),
            ...(leRetry === undefined ? {} : { retryPeriodMs: leRetry }),
          },
          ...(advertiseAddress === undefined ? {} : { advertiseAddress }),
          ...(components === undefined ? {} : { components }),
          ...(apiServerEndpoints === undefined ? {} : { apiServerEndpoints }),
          serviceClusterIpRange,
          serviceNodePortRange,
          defaultTolerationSeconds,
          ...(node === undefined ? {} : { node }),
          ...(shutdownDelayMs === undefined ? {} : { shutdownDelayMs }),
          ...(tokenFile === undefined ? {} : { tokenFile }),
          authorizationMode,
          log,
          signal: abortStart.signal,
        });
        started = true;
        log(`ready; admin kubeconfig: ${server.kubeconfigPath}`);
        const signal = await stopSignal;
        log(`received ${signal}; shutting down`);
        const watchdog = setTimeout(() => {
          log(`shutdown did not finish within ${SHUTDOWN_TIMEOUT_MS / 1000}s; exiting`);
          process.exit(1);
        }, SHUTDOWN_TIMEOUT_MS);
        watchdog.unref();
        await server.stop();
        clearTimeout(watchdog);
        log('stopped');
      } catch (err) {
        if (started || !abortStart.signal.aborted) throw err;
        log('stopped before it was ready');
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
}

/** The node whose kubelet runs in-process, if the flags ask for one (--pod-cidr). */
function parseServerNode(flags: ServerFlags, bindAddress: string): { name: string; ip: string; podCIDR: string; taints: ReturnType<typeof parseTaints> } | undefined {
  if (flags.podCidr === undefined) {
    if (flags.nodeIp !== undefined || flags.registerWithTaints !== undefined) {
      throw new UsageError('--node-ip and --register-with-taints are for the in-process kubelet, which runs only with --pod-cidr');
    }
    return undefined;
  }
  const podCIDR = parsePodCidr(flags.podCidr, '--pod-cidr');
  if (flags.nodeName === undefined) throw new UsageError('--pod-cidr runs a kubelet in this process, which needs --node-name (e.g. --node-name cp-1)');
  const name = parseNodeName(flags.nodeName, '--node-name');
  const ip = flags.nodeIp === undefined ? bindAddress : parseIpAddress(flags.nodeIp, '--node-ip');
  if (ip === '0.0.0.0' || ip === '::') throw new UsageError(`--node-ip is required when --bind-address is ${bindAddress}: the node needs one address to report and listen on`);
  return { name, ip, podCIDR, taints: parseTaints(flags.registerWithTaints, '--register-with-taints') };
}
