/**
 * kube-proxy as an in-process component of `k8ts server`, for the server's own node: it serves
 * every ClusterIP of the cluster (machine-wide, shared with any other node's proxy on this machine,
 * see src/proxy/port-listener.ts) and NodePorts on the server's address, over HTTPS to the local
 * apiserver like any other client.
 */
import { Clientset, lineLogger } from '../client/index.ts';
import { startKubeProxy } from '../proxy/index.ts';
import type { InProcessComponent } from './in-process-components.ts';

/** The node a single-node cluster's server stands for (the address plan's first control plane). */
export const SERVER_NODE_NAME = 'cp-1';

export const kubeProxyComponent: InProcessComponent = {
  name: 'kube-proxy',
  async start(ctx) {
    const logger = lineLogger(ctx.log);
    const clientset = Clientset.fromOptions({
      endpoints: [ctx.apiServerUrl],
      ca: ctx.tls.caPem,
      cert: ctx.tls.certPem,
      key: ctx.tls.keyPem,
      userAgent: 'k8ts-kube-proxy',
      logger,
    });
    const nodeIp = new URL(ctx.apiServerUrl).hostname.replace(/^\[|\]$/g, '');
    const proxy = startKubeProxy({ clientset, nodeName: SERVER_NODE_NAME, nodeIp, logger });
    return {
      async stop() {
        await proxy.stop();
        clientset.close();
      },
    };
  },
};
