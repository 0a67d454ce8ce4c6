/** The k8ts executable script, run with this same Node to start a cluster's k8ts processes. */
import { resolve } from 'node:path';

export const K8TS_BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'k8ts.js');

/**
 * Node options of a process-runtime `k8ts agent`. Its kubelet and kube-proxy allocate little,
 * so V8's young generation (16 MB by default) is mostly empty space; a 1 MB semi-space keeps
 * some 5 MB less resident per node at the cost of more, smaller scavenges. Sim agents, which
 * allocate much more for their many nodes, keep the default.
 */
export const PROCESS_AGENT_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=1'];

/** The command line that runs `k8ts <args>` with this Node and `nodeOptions`. */
export function k8tsCommand(args: readonly string[], nodeOptions: readonly string[] = []): string[] {
  return [process.execPath, ...nodeOptions, K8TS_BIN, ...args];
}
