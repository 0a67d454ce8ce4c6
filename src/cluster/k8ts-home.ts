/**
 * Where k8ts keeps its state: `$K8TS_HOME`, default `~/.k8ts`, with one directory per cluster:
 *
 *   $K8TS_HOME/
 *     .addresses/<index>        which cluster holds address index <index> (see address-plan.ts)
 *     <name>/                   one cluster (also the data dir of its `k8ts server`)
 *       cluster.json            what it is: name, address index, apiserver address and port
 *       kubeconfig              admin kubeconfig (context k8ts-<name>)
 *       pki/                    CA, serving and admin certificates (0700, files 0600)
 *       db/state.db             the SQLite store
 *       kubelet/                node cp-1's pods (directories, logs, process records)
 *       logs/<process>.log      each process's stdout and stderr
 *       run/<process>.json      each running process's PID and command line
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** `$K8TS_HOME` (resolved to an absolute path) or `~/.k8ts`. */
export function k8tsHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.K8TS_HOME;
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : join(homedir(), '.k8ts');
}

/** The directory of cluster `name` (which must already be validated). */
export function clusterDir(home: string, name: string): string {
  return join(home, name);
}

/**
 * Where `k8ts server` keeps its data when --data-dir is not given. The leading '_' can never
 * start a cluster name, so this never collides with a cluster of `k8ts up`.
 */
export function defaultServerDataDir(home: string): string {
  return join(home, '_server');
}
