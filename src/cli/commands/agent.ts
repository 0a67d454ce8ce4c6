/**
 * `k8ts agent`: the node agent — the kubelet (process runtime, or `--runtime sim` for simulated
 * nodes) and kube-proxy for one node, in the foreground until SIGTERM or SIGINT.
 *
 * Stopping the agent leaves the node's pod processes running (as a kubelet restart does; the
 * next agent over the same --data-dir adopts them). To stop them for good, stop the agent, then
 * call `stopPodProcesses(<data-dir>)` (what `k8ts down` does for the nodes it runs).
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { CliContext } from '../cli-context.ts';
import { parseDirectory, parseIpAddress, parsePodCidr, parseLabels, parseNodeName, parsePort, parseReadableFile, parseSeconds, parseServerUrl, parseTaints } from '../flags.ts';
import { UsageError } from '../usage-error.ts';

interface AgentFlags {
  kubeconfig?: string;
  server: string[];
  nodeName?: string;
  nodeIp?: string;
  podCidr?: string;
  runtime: string;
  dataDir?: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCaFile?: string;
  registerWithTaints?: string;
  nodeLabels?: string;
  simNodes?: string;
  kubeletPort: string;
  simStartDelay: string;
}

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 20_000;
function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

function readPem(path: string, flag: string): string {
  return readFileSync(parseReadableFile(path, flag), 'utf8');
}

export function registerAgent(program: Command, ctx: CliContext): void {
  program
    .command('agent')
    .description('run the node agent (kubelet + kube-proxy) for one node in the foreground, or --sim-nodes simulated nodes')
    .option('--kubeconfig <file>', 'how to reach the apiserver (required)')
    .option('--server <url>', 'an apiserver endpoint to fail over between (repeatable; overrides the kubeconfig server)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--node-name <name>', 'the node name (required); with --sim-nodes K the nodes are <name>-1 … <name>-K')
    .option('--node-ip <address>', "the node's address: InternalIP, and where the kubelet listens (required)")
    .option('--pod-cidr <cidr>', "the node's pod address range (required); split among simulated nodes")
    .option('--runtime <runtime>', 'process (pods run as host processes) or sim (simulated, no processes)', 'process')
    .option('--data-dir <dir>', "the kubelet's state: pod directories, logs (required)")
    .option('--tls-cert-file <file>', "the kubelet's serving certificate (required)")
    .option('--tls-private-key-file <file>', 'its key (required)')
    .option('--client-ca-file <file>', 'the CA client certificates must be signed by (required)')
    .option('--register-with-taints <taints>', 'taints to register the node with: key[=value]:Effect,...')
    .option('--node-labels <labels>', 'labels to add to the node: key=value,...')
    .option('--sim-nodes <count>', 'run this many simulated nodes (with --runtime sim)')
    .option('--kubelet-port <port>', "the kubelet's HTTPS port", '10250')
    .option('--sim-start-delay <seconds>', 'how long simulated pods stay Pending before they run', '0.5')
    .action(async (flags: AgentFlags) => {
      const kubeconfig = parseReadableFile(required(flags.kubeconfig, '--kubeconfig'), '--kubeconfig');
      const nodeName = parseNodeName(required(flags.nodeName, '--node-name'), '--node-name');
      const nodeIP = parseIpAddress(required(flags.nodeIp, '--node-ip'), '--node-ip');
      const podCIDR = parsePodCidr(required(flags.podCidr, '--pod-cidr'), '--pod-cidr');
      const dataDir = parseDirectory(required(flags.dataDir, '--data-dir'), '--data-dir');
      if (flags.runtime !== 'process' && flags.runtime !== 'sim') throw new UsageError(`--runtime must be process or sim, got ${JSON.stringify(flags.runtime)}`);
      const tls = {
        certPem: readPem(required(flags.tlsCertFile, '--tls-cert-file'), '--tls-cert-file'),
        keyPem: readPem(required(flags.tlsPrivateKeyFile, '--tls-private-key-file'), '--tls-private-key-file'),
        clientCaPem: readPem(required(flags.clientCaFile, '--client-ca-file'), '--client-ca-file'),
      };
      const taints = parseTaints(flags.registerWithTaints, '--register-with-taints');
      const labels = parseLabels(flags.nodeLabels, '--node-labels');
      const kubeletPort = parsePort(flags.kubeletPort, '--kubelet-port');
      let simNodes: number | undefined;
      if (flags.simNodes !== undefined) {
        if (flags.runtime !== 'sim') throw new UsageError('--sim-nodes needs --runtime sim');
        simNodes = /^\d+$/.test(flags.simNodes) ? Number(flags.simNodes) : NaN;
        if (!(simNodes >= 1 && simNodes <= 100_000)) throw new UsageError(`--sim-nodes must be an integer 1-100000, got ${JSON.stringify(flags.simNodes)}`);
      }
      const simStartDelayMs = flags.simStartDelay === '0' ? 0 : parseSeconds(flags.simStartDelay, '--sim-start-delay');
      const servers = flags.server.map((s) => parseServerUrl(s));

      const log = (message: string): void => ctx.err(`${new Date().toISOString()} ${message}\n`);
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
        // Loaded here, so other commands do not pay for the kubelet's code.
        const { runAgent } = await import('../../cluster/agent-process.ts');
        const agent = await runAgent({
          kubeconfig,
          servers,
          nodeName,
          nodeIP,
          podCIDR,
          runtime: flags.runtime,
          dataDir,
          tls,
          taints,
          labels,
          kubeletPort,
          ...(simNodes === undefined ? {} : { simNodes }),
          simStartDelayMs,
          log,
        });
        log(`agent running for ${agent.description}`);
        const signal = await stopSignal;
        log(`received ${signal}; stopping (pod processes keep running)`);
        const watchdog = setTimeout(() => {
          log(`shutdown did not finish within ${SHUTDOWN_TIMEOUT_MS / 1000}s; exiting`);
          process.exit(1);
        }, SHUTDOWN_TIMEOUT_MS);
        watchdog.unref();
        await agent.stop();
        clearTimeout(watchdog);
        log('stopped');
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
}
