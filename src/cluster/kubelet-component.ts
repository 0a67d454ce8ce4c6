/**
 * The kubelet as an in-process component of `k8ts server`, for the control-plane node the server
 * runs on: the single-node cluster's `cp-1`, schedulable while there are no workers, or any
 * control plane of an HA cluster; process runtime, its pods under `<data-dir>/kubelet`; with
 * workers in the cluster it registers with the control-plane NoSchedule taint. It talks to the
 * apiservers over HTTPS like any kubelet (component-client.ts). Stopping it (the server's
 * shutdown) leaves the pods' processes running, as a kubelet restart does; `k8ts down` stops
 * them (cluster-pods.ts). Without a node in the context (a plain `k8ts server`), it does nothing.
 */
import { KUBELET_MAX_REQUEST_CONNECTIONS } from '../kubelet/client-limits.ts';
import { connectComponent } from './component-client.ts';
import type { InProcessComponent } from './in-process-components.ts';

/** How long the server waits for the node to be registered before going on without waiting. */
const READY_WAIT_MS = 10_000;

export const kubeletComponent: InProcessComponent = {
  name: 'kubelet',
  async start(ctx) {
    const node = ctx.node;
    if (node === undefined) return { stop: async () => undefined };
    // Loaded when a node runs here, so other k8ts commands do not load the kubelet.
    const { startKubelet } = await import('../kubelet/index.ts');
    const client = connectComponent(ctx, `k8ts-kubelet/${node.name}`, { maxRequestConnections: KUBELET_MAX_REQUEST_CONNECTIONS });
    const kubelet = await startKubelet({
      clientset: client.clientset,
      nodeName: node.name,
      nodeIP: node.ip,
      podCIDR: node.podCIDR,
      dataDir: node.dataDir,
      tls: { certPem: node.serving.certPem, keyPem: node.serving.keyPem, clientCaPem: ctx.tls.caPem },
      labels: { 'node-role.kubernetes.io/control-plane': '' },
      taints: node.taints ?? [],
      logger: client.logger,
    }).catch(async (err: unknown) => {
      await client.close();
      throw err;
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([kubelet.ready, new Promise((resolve) => (timer = setTimeout(resolve, READY_WAIT_MS)))]);
    clearTimeout(timer);
    ctx.log(`node ${node.name} at ${node.ip} (pods from ${node.podCIDR}), kubelet at ${kubelet.url}`);
    return {
      async stop() {
        await kubelet.stop();
        await client.close();
      },
    };
  },
};
