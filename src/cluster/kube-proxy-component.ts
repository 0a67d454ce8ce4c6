/**
 * kube-proxy as an in-process component of `k8ts server`, for the server's own node: it serves
 * every ClusterIP of the cluster (machine-wide, shared with any other node's proxy on this machine,
 * see src/proxy/port-listener.ts) and NodePorts on the server's address, over HTTPS to the
 * apiservers like any other client (component-client.ts).
 */
import { startKubeProxy } from '../proxy/index.ts';
import { connectComponent } from './component-client.ts';
import type { InProcessComponent } from './in-process-components.ts';

export const kubeProxyComponent: InProcessComponent = {
  name: 'kube-proxy',
  async start(ctx) {
    const client = connectComponent(ctx, `k8ts-kube-proxy/${ctx.nodeName}`);
    const nodeIp = ctx.node?.ip ?? new URL(ctx.apiServerUrl).hostname.replace(/^\[|\]$/g, '');
    const proxy = startKubeProxy({ clientset: client.clientset, nodeName: ctx.node?.name ?? ctx.nodeName, nodeIp, logger: client.logger });
    return {
      async stop() {
        await proxy.stop();
        await client.close();
      },
    };
  },
};
