/** The k8ts executable script, run with this same Node to start a cluster's k8ts processes. */
import { resolve } from 'node:path';

export const K8TS_BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'k8ts.js');

/** The command line that runs `k8ts <args>` with this Node. */
export function k8tsCommand(args: readonly string[]): string[] {
  return [process.execPath, K8TS_BIN, ...args];
}
