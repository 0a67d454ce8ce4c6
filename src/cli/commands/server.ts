/**
 * `k8ts server`: run one API server (and the in-process components) in the foreground on the
 * SQLite store in a data directory, until SIGTERM or SIGINT.
 */
import type { Command } from 'commander';
import { APISERVER_PORT, defaultServerDataDir, defaultServiceClusterIpRange, k8tsHome, loadServerProcess } from '../../cluster/index.ts';
import type { CliContext } from '../cli-context.ts';
import { DEFAULT_TOLERATION_SECONDS } from '../../api/core/v1/pod-default-tolerations.ts';
import { parseCount, parseDirectory, parseIpAddress, parseNodeName, parsePodCidr, parsePort, parsePortRangeFlag, parseReadableFile, parseServiceCidr, parseTaints } from '../flags.ts';
import { UsageError } from '../usage-error.ts';

interface ServerFlags {
  dataDir?: string;
  bindAddress: string;
  port: string;
  tokenFile?: string;
  serviceClusterIpRange?: string;
  serviceNodePortRange: string;
  defaultNotReadyTolerationSeconds: string;
  defaultUnreachableTolerationSeconds: string;
  nodeName?: string;
  nodeIp?: string;
  podCidr?: string;
  registerWithTaints?: string;
}

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 30_000;

export function registerServer(program: Command, ctx: CliContext): void {
  program
    .command('server')
    .description('run an API server in the foreground on SQLite at <data-dir>/db/state.db (certificates and <data-dir>/kubeconfig are created on first start)')
    .option('--data-dir <dir>', 'state directory (default: $K8TS_HOME/_server)')
    .option('--bind-address <address>', 'IP address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', String(APISERVER_PORT))
    .option('--token-file <file>', 'static bearer tokens: CSV lines token,user,uid,"group1,group2"')
    .option('--service-cluster-ip-range <cidr>', 'Service ClusterIP range (IPv4 CIDR; default: 127.11.<i>.0/24 for a bind address 127.10.<i>.n, else 127.11.0.0/24)')
    .option('--service-node-port-range <first-last>', 'NodePort range', '30000-32767')
    .option('--default-not-ready-toleration-seconds <n>', 'seconds new pods tolerate the node.kubernetes.io/not-ready:NoExecute taint', String(DEFAULT_TOLERATION_SECONDS.notReady))
    .option('--default-unreachable-toleration-seconds <n>', 'seconds new pods tolerate the node.kubernetes.io/unreachable:NoExecute taint', String(DEFAULT_TOLERATION_SECONDS.unreachable))
    .option('--node-name <name>', 'the node this server runs on')
    .option('--pod-cidr <cidr>', "also run the node's kubelet in this process, with pods from this range (e.g. 127.21.1.0/24; needs --node-name; pods under <data-dir>/kubelet)")
    .option('--node-ip <address>', "the node's address for its kubelet (InternalIP, kubelet on :10250); default: the bind address")
    .option('--register-with-taints <taints>', 'taints the in-process kubelet registers its node with: key[=value]:Effect,...')
    .action(async (flags: ServerFlags) => {
      const dataDir = parseDirectory(flags.dataDir ?? defaultServerDataDir(k8tsHome(ctx.env)), '--data-dir');
      const bindAddress = parseIpAddress(flags.bindAddress, '--bind-address');
      const port = parsePort(flags.port);
      const tokenFile = flags.tokenFile === undefined ? undefined : parseReadableFile(flags.tokenFile, '--token-file');
      const serviceClusterIpRange = parseServiceCidr(flags.serviceClusterIpRange ?? defaultServiceClusterIpRange(bindAddress), '--service-cluster-ip-range');
      const serviceNodePortRange = parsePortRangeFlag(flags.serviceNodePortRange, '--service-node-port-range');
      const defaultTolerationSeconds = {
        notReady: parseCount(flags.defaultNotReadyTolerationSeconds, '--default-not-ready-toleration-seconds'),
        unreachable: parseCount(flags.defaultUnreachableTolerationSeconds, '--default-unreachable-toleration-seconds'),
      };
      const node = parseServerNode(flags, bindAddress);
      const log = (message: string): void => ctx.err(`${new Date().toISOString()} ${message}\n`);

      // Listen for signals before starting, so one that arrives during startup still shuts down cleanly.
      let signalled: (signal: NodeJS.Signals) => void = () => {};
      const stopSignal = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals): void => {
        signals++;
        if (signals > 1) {
          log(`received ${signal} again; exiting without finishing the shutdown`);
          process.exit(1);
        }
        signalled(signal);
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      try {
        const { runServerProcess } = await loadServerProcess();
        const server = await runServerProcess({
          dataDir,
          bindAddress,
          port,
          serviceClusterIpRange,
          serviceNodePortRange,
          defaultTolerationSeconds,
          ...(tokenFile === undefined ? {} : { tokenFile }),
          ...(node === undefined ? {} : { node }),
          log,
        });
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
