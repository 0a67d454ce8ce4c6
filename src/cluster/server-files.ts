/**
 * The files of one `k8ts server` data directory, and preparing them: certificates (created on
 * first start, reused after) and the admin kubeconfig. `k8ts up` prepares them before it starts
 * the server, so it can probe readiness and merge the kubeconfig; the server prepares them again
 * at its own start, which then reuses everything.
 *
 *   <data-dir>/pki/        ca, apiserver (serving), admin, apiserver-kubelet-client and, when the
 *                          server runs a node, kubelet-<node> (the kubelet's serving) certificates
 *   <data-dir>/db/state.db the SQLite store
 *   <data-dir>/kubeconfig  admin kubeconfig, context k8ts-<name>
 *   <data-dir>/kubelet/    the in-process kubelet's pods (directories, logs, state)
 */
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { basename, join } from 'node:path';
import {
  buildKubeconfig,
  ensureClusterPki,
  ensureKubeletClientCertificate,
  ensureKubeletServingCertificate,
  ensurePrivateDir,
  writePrivateFile,
  type ClusterPki,
  type EnsuredCertificate,
  type KubeconfigEntry,
  type NodeIdentity,
} from '../pki/index.ts';
import { clusterNameProblem, contextName } from './cluster-name.ts';

export interface ServerLayout {
  readonly dataDir: string;
  readonly pkiDir: string;
  readonly dbDir: string;
  readonly dbPath: string;
  readonly kubeconfigPath: string;
  readonly kubeletDir: string;
}

export function serverLayout(dataDir: string): ServerLayout {
  return {
    dataDir,
    kubeletDir: join(dataDir, 'kubelet'),
    pkiDir: join(dataDir, 'pki'),
    dbDir: join(dataDir, 'db'),
    dbPath: join(dataDir, 'db', 'state.db'),
    kubeconfigPath: join(dataDir, 'kubeconfig'),
  };
}

/**
 * The cluster name a data directory stands for: its base name when that is a valid cluster name
 * (so `$K8TS_HOME/<name>` gives `<name>`), else `server`.
 */
export function clusterNameOfDataDir(dataDir: string): string {
  const base = basename(dataDir);
  return clusterNameProblem(base) === undefined ? base : 'server';
}

const isUnspecified = (address: string): boolean => address === '0.0.0.0' || address === '::';

/**
 * The addresses a server bound to `bindAddress` is reachable at: the address itself, or every
 * local address of that family when it is the unspecified one.
 */
export function reachableAddresses(bindAddress: string): string[] {
  if (!isUnspecified(bindAddress)) return [bindAddress];
  const family = bindAddress === '::' ? 'IPv6' : 'IPv4';
  const addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === family || bindAddress === '::')
    .map((i) => i.address.replace(/%.*$/, ''));
  return [...new Set(addresses)];
}

/** The URL clients use for a server bound to `bindAddress`:`port`. */
export function serverUrl(bindAddress: string, port: number): string {
  const host = isUnspecified(bindAddress) ? (bindAddress === '::' ? '[::1]' : '127.0.0.1') : bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
  return `https://${host}:${port}`;
}

export interface PreparedServer {
  readonly layout: ServerLayout;
  readonly pki: ClusterPki;
  /** The apiserver's client certificate toward kubelets. */
  readonly kubeletClient: EnsuredCertificate;
  /** The in-process kubelet's serving certificate, when the server runs a node. */
  readonly kubeletServing?: EnsuredCertificate;
  readonly url: string;
  readonly kubeconfig: KubeconfigEntry;
}

/** More for prepareServerFiles. */
export interface PrepareServerOptions {
  /**
   * More addresses the serving certificate must name: where the server is reached besides its
   * bind address (a load balancer passing TLS through, the `kubernetes` Service ClusterIP).
   */
  readonly extraServingAddresses?: readonly string[];
  /** The URL the kubeconfig names (default: the server's own). */
  readonly kubeconfigServer?: string;
  /** The node the server's in-process kubelet runs, if any (it gets a serving certificate). */
  readonly node?: NodeIdentity;
}

/**
 * Ensures the certificates (the serving one naming every address the server is reached at; the
 * kubelet ones, see kubelet-pki.ts) and writes the admin kubeconfig.
 */
export async function prepareServerFiles(dataDir: string, bindAddress: string, port: number, opts: PrepareServerOptions = {}): Promise<PreparedServer> {
  const layout = serverLayout(dataDir);
  await ensurePrivateDir(dataDir);
  const servingAddresses = [...new Set([...reachableAddresses(bindAddress), ...(opts.extraServingAddresses ?? [])])].filter((a) => !isUnspecified(a));
  const pki = await ensureClusterPki(layout.pkiDir, { servingAddresses });
  const kubeletClient = await ensureKubeletClientCertificate(layout.pkiDir, pki.ca);
  const kubeletServing = opts.node === undefined ? undefined : await ensureKubeletServingCertificate(layout.pkiDir, pki.ca, opts.node);
  const url = opts.kubeconfigServer ?? serverUrl(bindAddress, port);
  const kubeconfig: KubeconfigEntry = {
    name: contextName(clusterNameOfDataDir(dataDir)),
    server: url,
    caPem: pki.ca.pem.certPem,
    certPem: pki.admin.certPem,
    keyPem: pki.admin.keyPem,
  };
  await writePrivateFile(layout.kubeconfigPath, buildKubeconfig(kubeconfig));
  return { layout, pki, kubeletClient, ...(kubeletServing === undefined ? {} : { kubeletServing }), url, kubeconfig };
}

/**
 * The admin credentials of a prepared data directory, read without creating anything.
 * @throws Error naming the missing file when the directory was never prepared
 */
export async function readAdminCredentials(dataDir: string): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  const { pkiDir } = serverLayout(dataDir);
  const read = async (file: string): Promise<string> => {
    const path = join(pkiDir, file);
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      throw new Error(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  };
  const [caPem, certPem, keyPem] = await Promise.all([read('ca.crt'), read('admin.crt'), read('admin.key')]);
  return { caPem, certPem, keyPem };
}
