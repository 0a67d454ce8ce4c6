/**
 * An in-process cluster for integration tests of the controllers: the real apiserver on memory
 * storage, the controller manager over HTTPS (with or without leader election), and a test
 * kubelet (test-kubelet.ts) standing in for the scheduler and the kubelets.
 */
import { after, before } from 'node:test';
import { namespaceType } from '../../src/api/core/v1/namespace.ts';
import type { DefaultTolerationSeconds } from '../../src/api/core/v1/pod-default-tolerations.ts';
import { Clientset } from '../../src/client/index.ts';
import { CONTROLLERS, DEFAULT_CONTROLLER_SETTINGS, runControllerManager, type ControllerDescriptor, type ControllerSettings } from '../../src/controllers/index.ts';
import { startTestApiServer, type TestApiServer } from './test-apiserver.ts';
import { startTestKubelet, type TestKubelet, type TestKubeletOptions } from './test-kubelet.ts';

export interface ControllerClusterOptions {
  readonly settings?: Partial<ControllerSettings>;
  readonly controllers?: readonly ControllerDescriptor[];
  readonly kubelet?: Partial<TestKubeletOptions>;
  readonly defaultTolerationSeconds?: DefaultTolerationSeconds;
}

/** One controller manager process's worth of state. */
export interface RunningManager {
  readonly identity: string;
  readonly clientset: Clientset;
  /** Stops it (a clean shutdown releases its lease). */
  stop(): Promise<void>;
}

export interface ControllerCluster {
  readonly api: TestApiServer;
  /** The test's own client (cluster admin). */
  readonly client: Clientset;
  readonly kubelet: TestKubelet;
  /**
   * Starts a(nother) controller manager; with `elect`, under leader election. With `crash`,
   * stopping it leaves its lease held, as a killed process would.
   */
  startManager(identity: string, elect: boolean, opts?: { crash?: boolean }): RunningManager;
  createNamespace(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startControllerCluster(opts: ControllerClusterOptions = {}): Promise<ControllerCluster> {
  const api = await startTestApiServer(opts.defaultTolerationSeconds === undefined ? {} : { defaultTolerationSeconds: opts.defaultTolerationSeconds });
  const newClient = (): Clientset => Clientset.fromOptions({ endpoints: [api.server.url], ca: api.certs.caPem, cert: api.certs.clientCertPem, key: api.certs.clientKeyPem });
  const client = newClient();
  const managers: RunningManager[] = [];
  const settings = { ...DEFAULT_CONTROLLER_SETTINGS, rootCaPem: api.certs.caPem, ...opts.settings };
  const startManager = (identity: string, elect: boolean, managerOpts: { crash?: boolean } = {}): RunningManager => {
    const clientset = newClient();
    const ac = new AbortController();
    const done = runControllerManager(
      { clientset, controllers: opts.controllers ?? CONTROLLERS, settings, ...(elect ? { leaderElection: { identity, releaseOnCancel: managerOpts.crash !== true } } : {}) },
      ac.signal,
    );
    let stopped: Promise<void> | undefined;
    const m: RunningManager = {
      identity,
      clientset,
      stop: () =>
        (stopped ??= (async () => {
          ac.abort();
          await done;
          clientset.close();
        })()),
    };
    managers.push(m);
    return m;
  };
  const kubeletClient = newClient();
  const kubelet = await startTestKubelet(kubeletClient, { nodes: ['worker-1', 'worker-2'], ...opts.kubelet });
  return {
    api,
    client,
    kubelet,
    startManager,
    async createNamespace(name) {
      await client.resource(namespaceType).create({ metadata: { name } });
    },
    async stop() {
      await Promise.all(managers.map((m) => m.stop()));
      await kubelet.stop();
      kubeletClient.close();
      client.close();
      await api.close();
    },
  };
}

/**
 * For a test file or suite: starts a controller cluster with one controller manager (no
 * election) and `namespace` before its tests, stops it after them; returns the running cluster.
 */
export function useControllerCluster(namespace: string): () => ControllerCluster {
  let cluster: ControllerCluster | undefined;
  before(async () => {
    cluster = await startControllerCluster();
    cluster.startManager('cm-1', false);
    await cluster.createNamespace(namespace);
  });
  after(async () => {
    await cluster?.stop();
  });
  return () => {
    if (cluster === undefined) throw new Error('the controller cluster has not started');
    return cluster;
  };
}
