/**
 * `k8ts controller-manager`: the controllers in a process of their own, as on every
 * control-plane node of an HA cluster. It reaches the apiservers with a kubeconfig's
 * credentials, fails over between the `--server` endpoints (refreshed from the `kubernetes`
 * Endpoints), and acts only while it holds the `kube-system/kube-controller-manager` Lease
 * (unless leader election is off). The CA it trusts for the apiservers is the cluster CA, which
 * the root CA publisher puts in every namespace unless `--root-ca-file` names another bundle.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Clientset, loadKubeconfig, runEndpointsRefresher, type Logger } from '../client/index.ts';
import { runControllerManager, type ControllerDescriptor, type ControllerSettings, type LeaderElectionConfig } from '../controllers/index.ts';

export interface ControllerManagerProcessOptions {
  readonly kubeconfigPath: string;
  /** Apiserver URLs to use instead of the kubeconfig's server (failover order). */
  readonly servers: readonly string[];
  readonly controllers: readonly ControllerDescriptor[];
  /** Without `rootCaPem`, the kubeconfig's certificate authority is published. */
  readonly settings: ControllerSettings;
  /** Worker counts by controller name. */
  readonly workers: Readonly<Record<string, number>>;
  /** Lease timings; undefined runs without leader election. */
  readonly leaderElection: Omit<LeaderElectionConfig, 'identity'> | undefined;
  readonly logger: Logger;
}

export interface RunningControllerManager {
  /** Stops the controllers, releases the lease, closes connections. */
  stop(): Promise<void>;
  /** Settles when the controller manager ends (after stop, or on a fatal error). */
  readonly done: Promise<void>;
}

/** Starts the controller manager; see the file comment. */
export async function startControllerManagerProcess(opts: ControllerManagerProcessOptions): Promise<RunningControllerManager> {
  const { options } = await loadKubeconfig(opts.kubeconfigPath);
  const clientset = Clientset.fromOptions({
    ...options,
    ...(opts.servers.length > 0 ? { endpoints: [...opts.servers] } : {}),
    userAgent: 'k8ts-controller-manager',
    logger: opts.logger,
  });
  const trustedCa = options.ca === undefined ? undefined : String(options.ca);
  const rootCaPem = opts.settings.rootCaPem ?? trustedCa;
  const settings = rootCaPem === undefined ? opts.settings : { ...opts.settings, rootCaPem };
  const abort = new AbortController();
  const identity = `${hostname()}_${randomUUID()}`;
  opts.logger.info('starting the controller manager', {
    identity,
    endpoints: clientset.rest.endpoints,
    controllers: opts.controllers.map((c) => c.name),
    leaderElection: opts.leaderElection !== undefined,
  });
  const refresher = runEndpointsRefresher(clientset, abort.signal, { logger: opts.logger }).catch((err: unknown) => opts.logger.warn('endpoint refresh stopped', { error: err }));
  const manager = runControllerManager(
    {
      clientset,
      controllers: opts.controllers,
      settings,
      workers: opts.workers,
      logger: opts.logger,
      ...(opts.leaderElection === undefined ? {} : { leaderElection: { ...opts.leaderElection, identity } }),
    },
    abort.signal,
  );
  const done = Promise.all([manager, refresher]).then(() => clientset.close());
  return {
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}
