/**
 * `k8ts server`: one API server on the SQLite store in a data directory, plus the in-process
 * components (see in-process-components.ts), in the current process.
 *
 * Start order: certificates and kubeconfig → store → apiserver → in-process components.
 * Stop order is the reverse, so components never see the apiserver vanish under them and the
 * apiserver never sees the store closed while it serves.
 */
import type { DefaultTolerationSeconds } from '../api/core/v1/pod-default-tolerations.ts';
import { startApiServer } from '../apiserver/server.ts';
import type { Taint } from '../kubelet/index.ts';
import { openStorage } from '../storage/index.ts';
import { ensurePrivateDir } from '../pki/index.ts';
import { startInProcessComponents, stopInProcessComponents, type StartedComponent } from './in-process-components.ts';
import { prepareServerFiles } from './server-files.ts';

export interface ServerProcessOptions {
  readonly dataDir: string;
  readonly bindAddress: string;
  readonly port: number;
  /** Static token file: CSV lines `token,user,uid,"group1,group2"`. */
  readonly tokenFile?: string;
  /** The Service ClusterIP range (default: the apiserver's default). */
  readonly serviceClusterIpRange?: string;
  /** The NodePort range, `FIRST-LAST` (default 30000-32767). */
  readonly serviceNodePortRange?: string;
  /** One line to the log (default: stderr with a timestamp). */
  readonly log?: (message: string) => void;
  /** Seconds new pods tolerate the not-ready/unreachable taints (default 30 each). */
  readonly defaultTolerationSeconds?: DefaultTolerationSeconds;
  /** The node whose kubelet runs in this process (single-node clusters); none when unset. */
  readonly node?: { readonly name: string; readonly ip: string; readonly podCIDR: string; readonly taints?: readonly Taint[] };
}

export interface RunningServerProcess {
  /** The apiserver URL. */
  readonly url: string;
  readonly kubeconfigPath: string;
  /** Stops components, the apiserver and the store, in that order. Safe to call twice. */
  stop(): Promise<void>;
}

const stderrLog = (message: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
};

/**
 * Runs the server: prepares its files, opens the store, starts the apiserver and then the
 * in-process components. If a step fails, what already started is stopped before the error is
 * rethrown.
 */
export async function runServerProcess(opts: ServerProcessOptions): Promise<RunningServerProcess> {
  const log = opts.log ?? stderrLog;
  const node = opts.node;
  const prepared = await prepareServerFiles(opts.dataDir, opts.bindAddress, opts.port, node === undefined ? undefined : { name: node.name, addresses: [node.ip] });
  for (const [what, cert] of [
    ['serving', prepared.pki.serving],
    ['admin', prepared.pki.admin],
    ['kubelet client', prepared.kubeletClient],
    ['kubelet serving', prepared.kubeletServing],
  ] as const) {
    if (cert === undefined) continue;
    if (cert.issuedBecause !== undefined && cert.issuedBecause !== 'it does not exist') log(`reissued the ${what} certificate: ${cert.issuedBecause}`);
  }
  await ensurePrivateDir(prepared.layout.dbDir);
  const storage = await openStorage({ backend: 'sqlite', path: prepared.layout.dbPath });
  let apiserver: Awaited<ReturnType<typeof startApiServer>> | undefined;
  let components: StartedComponent[] = [];
  const stopAll = async (): Promise<void> => {
    await stopInProcessComponents(components, log);
    components = [];
    await apiserver?.close();
    await storage.close();
  };
  try {
    apiserver = await startApiServer({
      storage,
      bindAddress: opts.bindAddress,
      port: opts.port,
      tls: { certPem: prepared.pki.serving.certPem, keyPem: prepared.pki.serving.keyPem, clientCaPem: prepared.pki.ca.pem.certPem },
      ...(opts.tokenFile === undefined ? {} : { tokenFile: opts.tokenFile }),
      serviceAccountKey: prepared.pki.serviceAccountKey,
      ...(opts.serviceClusterIpRange === undefined ? {} : { serviceClusterIpRange: opts.serviceClusterIpRange }),
      ...(opts.serviceNodePortRange === undefined ? {} : { serviceNodePortRange: opts.serviceNodePortRange }),
      ...(opts.defaultTolerationSeconds === undefined ? {} : { defaultTolerationSeconds: opts.defaultTolerationSeconds }),
      kubeletClient: { certPem: prepared.kubeletClient.certPem, keyPem: prepared.kubeletClient.keyPem, caPem: prepared.pki.ca.pem.certPem },
      log: (message) => log(`apiserver: ${message}`),
    });
    log(`apiserver listening on ${apiserver.url} (store ${prepared.layout.dbPath})`);
    components = await startInProcessComponents(
      {
        apiServerUrl: apiserver.url,
        kubeconfigPath: prepared.layout.kubeconfigPath,
        tls: { caPem: prepared.pki.ca.pem.certPem, certPem: prepared.pki.admin.certPem, keyPem: prepared.pki.admin.keyPem },
        ...(node === undefined || prepared.kubeletServing === undefined
          ? {}
          : {
              node: {
                ...node,
                dataDir: prepared.layout.kubeletDir,
                serving: { certPem: prepared.kubeletServing.certPem, keyPem: prepared.kubeletServing.keyPem },
              },
            }),
      },
      log,
    );
  } catch (err) {
    await stopAll().catch((stopErr: unknown) => log(`cleanup after a failed start failed: ${String(stopErr)}`));
    throw err;
  }
  const url = apiserver.url;
  let stopping: Promise<void> | undefined;
  return {
    url,
    kubeconfigPath: prepared.layout.kubeconfigPath,
    stop: () => (stopping ??= stopAll()),
  };
}
