/**
 * `k8ts server`: one API server on its store (SQLite in the data directory, or an etcd cluster),
 * plus the in-process components (see in-process-components.ts), in the current process.
 *
 * Start order: certificates and kubeconfig → store (for etcd: wait until it serves) → apiserver
 * (its lease and the `kubernetes` endpoints) → in-process components. Stop order is the reverse,
 * so components never see the apiserver vanish under them and the apiserver never sees the store
 * closed while it serves.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DefaultTolerationSeconds } from '../api/core/v1/pod-default-tolerations.ts';
import type { AuthorizationMode } from '../apiserver/authz/authorization-mode.ts';
import { startApiServer } from '../apiserver/server.ts';
import type { Taint } from '../kubelet/index.ts';
import { openStorage, type Storage } from '../storage/index.ts';
import { ensurePrivateDir } from '../pki/index.ts';
import {
  IN_PROCESS_COMPONENTS,
  startInProcessComponents,
  stopInProcessComponents,
  type InProcessComponent,
  type LeaderElectionTiming,
  type StartedComponent,
} from './in-process-components.ts';
import { prepareServerFiles, serverUrl } from './server-files.ts';

/** Where the server keeps the cluster's objects. */
export type ServerStorageOptions =
  /** `<data-dir>/db/state.db` (the single-node default). */
  | { readonly backend: 'sqlite' }
  /** An etcd cluster: its members' client URLs and the files of a client certificate from its CA. */
  | { readonly backend: 'etcd'; readonly servers: readonly string[]; readonly caFile: string; readonly certFile: string; readonly keyFile: string };

export interface ServerProcessOptions {
  readonly dataDir: string;
  readonly bindAddress: string;
  readonly port: number;
  /** Default: SQLite in the data directory. */
  readonly storage?: ServerStorageOptions;
  /** Where other components reach this apiserver (its lease, the `kubernetes` Endpoints). Default: the bind address. */
  readonly advertiseAddress?: string;
  /** The node this server runs on, for identities in leases. Default `cp-1`. */
  readonly nodeName?: string;
  /** The in-process components to run. Default: all of IN_PROCESS_COMPONENTS. */
  readonly components?: readonly InProcessComponent[];
  /** Other apiservers the in-process components may fail over to (after the local one). */
  readonly apiServerEndpoints?: readonly string[];
  /** The Service ClusterIP range (the `kubernetes` Service gets its first address). */
  readonly serviceClusterIpRange?: string;
  /** How long a stopping apiserver keeps serving after it fails readiness. Default 0. */
  readonly shutdownDelayMs?: number;
  /** The apiserver's own lease: duration (whole seconds) and renew interval. */
  readonly identityLease?: { readonly durationSeconds?: number; readonly renewIntervalMs?: number };
  /** Lease timings of the leader-elected in-process components. */
  readonly leaderElection?: LeaderElectionTiming;
  /** Static token file: CSV lines `token,user,uid,"group1,group2"`. */
  readonly tokenFile?: string;
  /** The apiserver's authorization mode (default RBAC). */
  readonly authorizationMode?: AuthorizationMode;
  /** The NodePort range, `FIRST-LAST` (default 30000-32767). */
  readonly serviceNodePortRange?: string;
  /** One line to the log (default: stderr with a timestamp). */
  readonly log?: (message: string) => void;
  /** Seconds new pods tolerate the not-ready/unreachable taints (default 30 each). */
  readonly defaultTolerationSeconds?: DefaultTolerationSeconds;
  /** The node whose kubelet runs in this process (single-node clusters); none when unset. */
  readonly node?: { readonly name: string; readonly ip: string; readonly podCIDR: string; readonly taints?: readonly Taint[] };
  /** Aborts a start that waits for its store. */
  readonly signal?: AbortSignal;
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

/** How often a server waiting for its store says so. */
const STORE_WAIT_LOG_MS = 5_000;

async function openServerStorage(opts: ServerProcessOptions, dbPath: string): Promise<{ storage: Storage; describe: string }> {
  const spec = opts.storage ?? { backend: 'sqlite' };
  if (spec.backend === 'sqlite') return { storage: await openStorage({ backend: 'sqlite', path: dbPath }), describe: dbPath };
  const read = async (file: string, flag: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw new Error(`${flag}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  const tls = { caPem: await read(spec.caFile, '--etcd-cafile'), certPem: await read(spec.certFile, '--etcd-certfile'), keyPem: await read(spec.keyFile, '--etcd-keyfile') };
  return { storage: await openStorage({ backend: 'etcd', endpoints: spec.servers, tls }), describe: `etcd ${spec.servers.join(',')}` };
}

/**
 * Waits until the store serves (an etcd cluster may still be electing, or lack a quorum),
 * logging why not every few seconds; the apiserver starts only then, since it loads its caches
 * from the store.
 */
async function waitForStore(storage: Storage, log: (message: string) => void, signal: AbortSignal | undefined): Promise<void> {
  let lastLog = Date.now();
  for (;;) {
    const problem = await storage.health();
    if (problem === undefined) return;
    if (signal?.aborted) throw new Error('stopped while waiting for the store');
    if (Date.now() - lastLog >= STORE_WAIT_LOG_MS) {
      log(`waiting for the store: ${problem}`);
      lastLog = Date.now();
    }
    await sleep(200, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
  }
}

/**
 * Runs the server: prepares its files, opens the store, starts the apiserver and then the
 * in-process components. If a step fails, what already started is stopped before the error is
 * rethrown.
 */
export async function runServerProcess(opts: ServerProcessOptions): Promise<RunningServerProcess> {
  const log = opts.log ?? stderrLog;
  const node = opts.node;
  const advertiseAddress = opts.advertiseAddress ?? opts.bindAddress;
  const prepared = await prepareServerFiles(opts.dataDir, opts.bindAddress, opts.port, {
    extraServingAddresses: [advertiseAddress],
    ...(node === undefined ? {} : { node: { name: node.name, addresses: [node.ip] } }),
  });
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
  const { storage, describe } = await openServerStorage(opts, prepared.layout.dbPath);
  let apiserver: Awaited<ReturnType<typeof startApiServer>> | undefined;
  let components: StartedComponent[] = [];
  const stopAll = async (): Promise<void> => {
    await stopInProcessComponents(components, log);
    components = [];
    await apiserver?.close();
    await storage.close();
  };
  try {
    await waitForStore(storage, log, opts.signal);
    apiserver = await startApiServer({
      storage,
      bindAddress: opts.bindAddress,
      port: opts.port,
      tls: { certPem: prepared.pki.serving.certPem, keyPem: prepared.pki.serving.keyPem, clientCaPem: prepared.pki.ca.pem.certPem },
      ...(opts.tokenFile === undefined ? {} : { tokenFile: opts.tokenFile }),
      ...(opts.authorizationMode === undefined ? {} : { authorizationMode: opts.authorizationMode }),
      serviceAccountKey: prepared.pki.serviceAccountKey,
      ...(opts.serviceNodePortRange === undefined ? {} : { serviceNodePortRange: opts.serviceNodePortRange }),
      ...(opts.defaultTolerationSeconds === undefined ? {} : { defaultTolerationSeconds: opts.defaultTolerationSeconds }),
      kubeletClient: { certPem: prepared.kubeletClient.certPem, keyPem: prepared.kubeletClient.keyPem, caPem: prepared.pki.ca.pem.certPem },
      ...(opts.serviceClusterIpRange === undefined ? {} : { serviceClusterIpRange: opts.serviceClusterIpRange }),
      ...(opts.shutdownDelayMs === undefined ? {} : { shutdownDelayMs: opts.shutdownDelayMs }),
      identity: {
        advertiseAddress,
        ...(opts.identityLease?.durationSeconds === undefined ? {} : { leaseDurationSeconds: opts.identityLease.durationSeconds }),
        ...(opts.identityLease?.renewIntervalMs === undefined ? {} : { renewIntervalMs: opts.identityLease.renewIntervalMs }),
      },
      log: (message) => log(`apiserver: ${message}`),
    });
    log(`apiserver listening on ${apiserver.url} (store ${describe})`);
    const local = serverUrl(advertiseAddress, new URL(apiserver.url).port === '' ? opts.port : Number(new URL(apiserver.url).port));
    components = await startInProcessComponents(
      {
        apiServerUrl: local,
        apiServerUrls: [local, ...(opts.apiServerEndpoints ?? []).filter((u) => u !== local)],
        nodeName: opts.nodeName ?? 'cp-1',
        leaderElection: opts.leaderElection ?? {},
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
      opts.components ?? IN_PROCESS_COMPONENTS,
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
