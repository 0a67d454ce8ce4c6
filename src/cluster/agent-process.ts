/**
 * `k8ts agent`: one node's kubelet (process runtime, or simulated nodes) and kube-proxy in the
 * current process, talking to the apiservers through the client with endpoint failover (the
 * `--server` seeds, refreshed from the `kubernetes` Endpoints).
 */
import type { Taint } from '../kubelet/index.ts';
import { Clientset, lineLogger, runEndpointsRefresher } from '../client/index.ts';
import { KUBELET_MAX_REQUEST_CONNECTIONS, startKubelet, startSimNodes } from '../kubelet/index.ts';
import { startKubeProxy } from '../proxy/index.ts';

export interface AgentOptions {
  readonly kubeconfig: string;
  /** Apiserver endpoints; when given they replace the kubeconfig's server. */
  readonly servers: readonly string[];
  readonly nodeName: string;
  readonly nodeIP: string;
  readonly podCIDR: string;
  readonly runtime: 'process' | 'sim';
  readonly dataDir: string;
  readonly tls: { readonly certPem: string; readonly keyPem: string; readonly clientCaPem: string };
  readonly taints: readonly Taint[];
  readonly labels: Readonly<Record<string, string>>;
  readonly kubeletPort: number;
  /** With runtime sim: how many simulated nodes (`<nodeName>-1` …); one node named nodeName when unset. */
  readonly simNodes?: number;
  readonly simStartDelayMs?: number;
  readonly log: (message: string) => void;
}

export interface RunningAgent {
  /** What runs, for the log. */
  readonly description: string;
  /** Stops the kubelet and kube-proxy; pod processes keep running. */
  stop(): Promise<void>;
}

export async function runAgent(opts: AgentOptions): Promise<RunningAgent> {
  const logger = lineLogger((m) => opts.log(`kubelet: ${m}`));
  const clientset = await Clientset.fromKubeconfig(opts.kubeconfig, undefined, {
    ...(opts.servers.length > 0 ? { endpoints: [...opts.servers] } : {}),
    userAgent: `k8ts-agent/${opts.nodeName}`,
    maxRequestConnections: KUBELET_MAX_REQUEST_CONNECTIONS,
    logger,
  });
  const abort = new AbortController();
  const refresher = runEndpointsRefresher(clientset, abort.signal, { logger }).catch((err: unknown) => logger.warn('endpoints refresher stopped', { error: err }));
  const common = { clientset, nodeIP: opts.nodeIP, podCIDR: opts.podCIDR, tls: opts.tls, labels: opts.labels, taints: opts.taints, kubeletPort: opts.kubeletPort, logger };
  let stopKubelet: () => Promise<void>;
  let description: string;
  try {
    if (opts.runtime === 'sim') {
      const sim = await startSimNodes({
        ...common,
        baseName: opts.nodeName,
        count: opts.simNodes ?? 1,
        single: opts.simNodes === undefined,
        ...(opts.simStartDelayMs === undefined ? {} : { startDelayMs: opts.simStartDelayMs }),
      });
      stopKubelet = () => sim.stop();
      description = `${sim.nodeNames.length} simulated node${sim.nodeNames.length === 1 ? '' : 's'} (${sim.nodeNames[0]}${sim.nodeNames.length > 1 ? ` … ${sim.nodeNames[sim.nodeNames.length - 1]}` : ''}), kubelet at ${sim.url}`;
    } else {
      const kubelet = await startKubelet({ ...common, nodeName: opts.nodeName, dataDir: opts.dataDir });
      stopKubelet = () => kubelet.stop();
      description = `node ${opts.nodeName} at ${opts.nodeIP} (pods from ${opts.podCIDR}, process runtime), kubelet at ${kubelet.url}`;
    }
  } catch (err) {
    abort.abort();
    clientset.close();
    throw err;
  }
  const proxy = startKubeProxy({ clientset, nodeName: opts.nodeName, nodeIp: opts.nodeIP, logger: lineLogger((m) => opts.log(`kube-proxy: ${m}`)) });
  return {
    description,
    async stop() {
      await proxy.stop();
      await stopKubelet();
      abort.abort();
      await refresher;
      clientset.close();
    },
  };
}
