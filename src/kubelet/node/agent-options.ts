/**
 * What every kind of node agent (the process-runtime kubelet, the simulated nodes) is started
 * with: its API client, its address and serving credentials, how it registers its Node and how
 * often it reports. Each agent documents its own defaults where they differ.
 */
import type { Clientset, Clock, Logger } from '../../client/index.ts';
import type { Taint } from './node-object.ts';

export interface NodeAgentOptions {
  readonly clientset: Clientset;
  /** The node's address: InternalIP, and where the HTTPS server listens. */
  readonly nodeIP: string;
  /** The server's certificate and key, and the CA client certificates must be signed by (PEM). */
  readonly tls: { readonly certPem: string; readonly keyPem: string; readonly clientCaPem: string };
  /** @default 10250 (0 picks a free port, for tests) */
  readonly kubeletPort?: number;
  readonly labels?: Readonly<Record<string, string>>;
  /** Taints the node is registered with. */
  readonly taints?: readonly Taint[];
  readonly capacity?: { readonly cpu?: string; readonly memory?: string; readonly pods?: number };
  readonly leaseRenewIntervalMs?: number;
  /** @default 60000 */
  readonly statusReportIntervalMs?: number;
  readonly logger?: Logger;
  readonly clock?: Clock;
}
