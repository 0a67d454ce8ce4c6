/**
 * The kubelet as an in-process component of `k8ts server`: for the single-node cluster, node
 * `cp-1` at the cluster's node address, schedulable (no taint: there are no workers), process
 * runtime, its pods under `<data-dir>/kubelet`; a control-plane node of a cluster with workers
 * passes its NoSchedule taint. It talks to the local apiserver over HTTPS like
 * any kubelet. Stopping it (the server's shutdown) leaves the pods' processes running, as a
 * kubelet restart does; `k8ts down` stops them (`stopPodProcesses`). Without a node in the
 * context (a plain `k8ts server`), it does nothing.
 */
import { Clientset } from '../client/index.ts';
import type { InProcessComponent } from './in-process-components.ts';
import { lineLogger } from './line-logger.ts';

/** How long the server waits for the node to be registered before going on without waiting. */
const READY_WAIT_MS = 10_000;

export const kubeletComponent: InProcessComponent = {
  name: 'kubelet',
  async start(ctx) {
    const node = ctx.node;
    if (node === undefined) return { stop: async () => undefined };
    const logger = lineLogger(ctx.log);
    // Loaded when a node runs here, so other k8ts commands do not load the kubelet.
    const { startKubelet } = await import('../kubelet/index.ts');
    const clientset = Clientset.fromOptions({
      endpoints: [ctx.apiServerUrl],
      ca: ctx.tls.caPem,
      cert: ctx.tls.certPem,
      key: ctx.tls.keyPem,
      userAgent: `k8ts-kubelet/${node.name}`,
      logger,
    });
    const kubelet = await startKubelet({
      clientset,
      nodeName: node.name,
      nodeIP: node.ip,
      podCIDR: node.podCIDR,
      dataDir: node.dataDir,
      tls: { certPem: node.serving.certPem, keyPem: node.serving.keyPem, clientCaPem: ctx.tls.caPem },
      labels: { 'node-role.kubernetes.io/control-plane': '' },
      taints: node.taints ?? [],
      logger,
    }).catch((err: unknown) => {
      clientset.close();
      throw err;
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([kubelet.ready, new Promise((resolve) => (timer = setTimeout(resolve, READY_WAIT_MS)))]);
    clearTimeout(timer);
    ctx.log(`node ${node.name} at ${node.ip} (pods from ${node.podCIDR}), kubelet at ${kubelet.url}`);
    return {
      async stop() {
        await kubelet.stop();
        clientset.close();
      },
    };
  },
};
