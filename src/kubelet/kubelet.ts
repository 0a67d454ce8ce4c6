/**
 * The kubelet of one node with the process runtime. It reaches the cluster only through the
 * client:
 *
 *   start   recover pods left on disk by an earlier run (adopting live containers) → start the
 *           HTTPS server → register the Node (retried until the apiserver answers) → watch the
 *           pods bound here (`spec.nodeName=<node>`) and the Services (for container env)
 *   run     one PodWorker per pod (pod/pod-worker.ts); the node Lease renewed every 2.5 s; the
 *           node status posted every minute, and at once when someone else changed its Ready
 *           condition; pods found on disk that the API no longer has are killed and removed
 *   stop    stops watching, timers and probes, closes the server — and leaves every container
 *           running (like upstream, a kubelet restart does not restart pods; the next run
 *           adopts them). `stopPodProcesses` stops them for good (`k8ts down`).
 */
import { podType } from '../api/core/v1/pod.ts';
import { serviceType } from '../api/core/v1/service.ts';
import { nodeType } from '../api/core/v1/node.ts';
import type { KubeObject } from '../api/meta/types.ts';
import { Backoff, isConflict, isNotFound, isTombstone, pause, realClock, SharedInformerFactory, silentLogger } from '../client/index.ts';
import type { Pod } from './api-types.ts';
import type { NodeAgentOptions } from './node/agent-options.ts';
import { apiConfigSource, cachedConfigSource } from './env/config-source.ts';
import { buildContainerLaunch } from './env/container-env.ts';
import { inClusterApiServer } from './env/service-env.ts';
import { apiTokenSource } from './env/token-source.ts';
import { apiEventRecorder, type EventRecorder } from './events.ts';
import { readMachineInfo, type MachineInfo } from './node/machine.ts';
import { NodeLease } from './node/node-lease.ts';
import { DEFAULT_MAX_PODS, showsReady, type NodeConfig } from './node/node-object.ts';
import { postNodeStatus, registerNode } from './node/node-registration.ts';
import { containerStatusOf } from './pod/pod-status.ts';
import { PodIpAllocator } from './pod/ip-allocator.ts';
import { PodWorker, type PodWorkerContext } from './pod/pod-worker.ts';
import { RestartBackoff, type RestartBackoffOptions } from './pod/restart-backoff.ts';
import { PodStatusManager } from './pod/status-manager.ts';
import { ProcessRuntime } from './runtime/process/process-runtime.ts';
import type { ContainerHandle, ContainerRuntime, ExecOptions, ExecProcess, RecoveredPod } from './runtime/runtime.ts';
import { startKubeletServer, KUBELET_PORT, type RunningKubeletServer } from './server/kubelet-server.ts';
import { badRequest, notFound, type LogSource, type NodePods } from './server/node-pods.ts';
import type { LogFollow } from './logs/log-reader.ts';
import { LogRecorder } from './logs/log-recorder.ts';
import { K8TS_VERSION } from './version.ts';

/** Capacity defaults to the machine's CPUs and memory and 110 pods; the lease is renewed every 2.5 s. */
export interface KubeletOptions extends NodeAgentOptions {
  readonly nodeName: string;
  /** Where pod addresses come from, e.g. 127.21.1.0/24. */
  readonly podCIDR: string;
  /** Pods' directories, logs and state live under `<dataDir>/pods`. */
  readonly dataDir: string;
  /** CrashLoopBackOff timing (default 10 s doubling to 5 min). */
  readonly crashLoopBackoff?: RestartBackoffOptions;
  /** @default events written to the API */
  readonly events?: EventRecorder;
  /** How long before a pod's failed configuration or volume setup is retried, ms (default 10 s). */
  readonly setupRetryMs?: number;
  /** How often pods' volumes are refreshed from their ConfigMaps and Secrets, ms (default 1 min). */
  readonly volumeRefreshMs?: number;
}

export interface RunningKubelet extends NodePods {
  readonly nodeName: string;
  /** The HTTPS server's URL. */
  readonly url: string;
  /** Resolves once the node is registered and the pods bound to it are known. */
  readonly ready: Promise<void>;
  /** Stops the kubelet, leaving containers running (see the file comment). */
  stop(): Promise<void>;
}

/** Resolves container log requests the way upstream's kubelet does (see containerLog). */
function logInstance(
  state: { restartCount: number; running: unknown; lastExit: unknown; previousExit: unknown; waiting: { reason: string } | undefined } | undefined,
  previous: boolean,
  container: string,
  pod: string,
): number {
  if (state === undefined) throw badRequest(`container "${container}" in pod "${pod}" is waiting to start - no logs yet`);
  const running = state.running !== undefined;
  if (previous) {
    if (running) {
      if (state.lastExit === undefined) throw badRequest(`previous terminated container "${container}" in pod "${pod}" not found`);
      return state.restartCount - 1;
    }
    if (state.waiting !== undefined) {
      if (state.lastExit === undefined) throw badRequest(`previous terminated container "${container}" in pod "${pod}" not found`);
      return state.restartCount;
    }
    if (state.previousExit === undefined) throw badRequest(`previous terminated container "${container}" in pod "${pod}" not found`);
    return state.restartCount - 1;
  }
  if (running || state.lastExit !== undefined) return state.restartCount;
  if (state.waiting !== undefined) throw badRequest(`container "${container}" in pod "${pod}" is waiting to start: ${state.waiting.reason}`);
  throw badRequest(`container "${container}" in pod "${pod}" is waiting to start - no logs yet`);
}

/** Starts the kubelet; see the file comment. */
export async function startKubelet(opts: KubeletOptions): Promise<RunningKubelet> {
  const logger = opts.logger ?? silentLogger;
  const clock = opts.clock ?? realClock;
  const clientset = opts.clientset;
  const abort = new AbortController();
  const signal = abort.signal;
  const machine: MachineInfo = readMachineInfo();
  const capacity = {
    cpu: opts.capacity?.cpu ?? String(machine.cpus),
    memory: opts.capacity?.memory ?? `${Math.floor(machine.memoryBytes / 1024)}Ki`,
    pods: opts.capacity?.pods ?? DEFAULT_MAX_PODS,
  };
  const ips = new PodIpAllocator(opts.podCIDR);
  // Uncached: every pod setup, volume refresh and retry must see the ConfigMaps and Secrets as
  // they are now. Each setup memoizes its own lookups (below, and in the runtime's preparePod).
  const config = apiConfigSource(clientset);
  const events = opts.events ?? apiEventRecorder(clientset, opts.nodeName, logger);
  const statuses = new PodStatusManager(clientset, logger);
  const backoff = new RestartBackoff(opts.crashLoopBackoff);
  const workers = new Map<string, PodWorker>();
  /**
   * Pods whose worker finished while their object lingers (finalizers): later versions of them
   * must not start a new worker. Removed when the object goes.
   */
  const finished = new Set<string>();
  const recorders = new Map<string, LogRecorder>();
  const factory = new SharedInformerFactory(clientset, { logger });
  const podInformer = factory.informerFor<Pod>(podType, { fieldSelector: `spec.nodeName=${opts.nodeName}` });
  const serviceInformer = factory.informerFor(serviceType);
  const nodeInformer = factory.informerFor(nodeType, { fieldSelector: `metadata.name=${opts.nodeName}` });
  const runtime: ContainerRuntime = new ProcessRuntime({
    dataDir: opts.dataDir,
    config,
    tokens: apiTokenSource(clientset),
    inClusterApiServer: () => inClusterApiServer(serviceInformer.store.list()),
    nodeAllocatable: { cpu: capacity.cpu, memory: capacity.memory },
    hostIP: opts.nodeIP,
    version: `process://${K8TS_VERSION}`,
  });

  // Pods an earlier run left on disk; claimed by the first worker of the same uid.
  const recovered = new Map<string, RecoveredPod>();
  for (const pod of await runtime.recoverPods()) {
    recovered.set(pod.uid, pod);
    if (pod.podIP !== '') ips.reserve(pod.podIP);
  }

  const recorderFor = (path: string): LogRecorder => {
    let r = recorders.get(path);
    if (r === undefined) {
      r = new LogRecorder(path);
      recorders.set(path, r);
      void r.start();
    }
    return r;
  };

  const workerContext: PodWorkerContext = {
    runtime: {
      // Wraps the runtime so every started or adopted instance gets its log recorded.
      version: runtime.version,
      preparePod: (pod, ip) => runtime.preparePod(pod, ip),
      startContainer: async (pod, req) => {
        const handle = await runtime.startContainer(pod, req);
        const recorder = recorderFor(handle.logPath);
        void handle.exited.then(async () => {
          await recorder.stop();
          recorders.delete(handle.logPath);
        });
        return handle;
      },
      saveContainers: (pod, ip, c) => runtime.saveContainers(pod, ip, c),
      recoverPods: () => runtime.recoverPods(),
      exec: (h, argv, o) => runtime.exec(h, argv, o),
      logPath: (uid, name, i) => runtime.logPath(uid, name, i),
      removePod: (uid) => runtime.removePod(uid),
    },
    clock,
    backoff,
    status: statuses,
    events,
    logger,
    hostIP: opts.nodeIP,
    allocateIP: () => ips.allocate(),
    releaseIP: (ip) => ips.release(ip),
    launch: (pod, container, runtimeEnv) =>
      buildContainerLaunch({
        pod,
        container,
        addresses: { podIP: runtimeEnv.get('POD_IP') ?? '', hostIP: opts.nodeIP },
        services: serviceInformer.store.list(),
        config: cachedConfigSource(config),
        nodeAllocatable: { cpu: capacity.cpu, memory: capacity.memory },
        runtimeEnv,
      }),
    deletePod: async (pod) => {
      try {
        await clientset.resource(podType).delete(pod.metadata.name ?? '', {
          namespace: pod.metadata.namespace ?? '',
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid ?? '' },
        });
      } catch (err) {
        // Gone already, or replaced by a pod of the same name: either way this one is deleted.
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    },
    onDone: (uid) => {
      workers.delete(uid);
      finished.add(uid);
    },
    retryMs: opts.setupRetryMs,
    volumeRefreshMs: opts.volumeRefreshMs,
  };

  const adoptRecorders = (pod: RecoveredPod): void => {
    for (const handle of pod.running.values()) {
      const recorder = recorderFor(handle.logPath);
      void handle.exited.then(async () => {
        await recorder.stop();
        recorders.delete(handle.logPath);
      });
    }
  };

  const ensureWorker = (pod: Pod): PodWorker | undefined => {
    const uid = pod.metadata.uid ?? '';
    if (finished.has(uid)) return undefined;
    let worker = workers.get(uid);
    if (worker === undefined) {
      const from = recovered.get(uid);
      recovered.delete(uid);
      if (from !== undefined) adoptRecorders(from);
      worker = new PodWorker(pod, workerContext, from);
      workers.set(uid, worker);
    }
    return worker;
  };

  podInformer.addEventHandler({
    onAdd: (pod) => {
      statuses.observe(pod);
      ensureWorker(pod)?.update(pod);
    },
    onUpdate: (_old, pod) => {
      statuses.observe(pod);
      ensureWorker(pod)?.update(pod);
    },
    onDelete: (obj) => {
      const pod = isTombstone(obj) ? obj.obj : obj;
      finished.delete(pod.metadata.uid ?? '');
      workers.get(pod.metadata.uid ?? '')?.remove();
    },
  });

  const findWorker = (namespace: string, name: string): PodWorker => {
    for (const w of workers.values()) {
      if (w.pod.metadata.namespace === namespace && w.pod.metadata.name === name && !w.done) return w;
    }
    throw notFound(`pod "${name}" in namespace "${namespace}" is not running on node ${opts.nodeName}`);
  };
  const findContainer = (w: PodWorker, container: string): void => {
    const all = [...(w.pod.spec.initContainers ?? []), ...w.pod.spec.containers];
    if (!all.some((c) => c.name === container)) throw badRequest(`container ${container} is not valid for pod ${w.pod.metadata.name}`);
  };

  const runningHandle = (namespace: string, name: string, container: string): ContainerHandle => {
    const w = findWorker(namespace, name);
    findContainer(w, container);
    const handle = w.handle(container);
    if (handle !== undefined) return handle;
    const status = containerStatusOf('', w.containerState(container), container, 'ContainerCreating');
    const why = status.state.waiting?.reason ?? (status.state.terminated !== undefined ? 'terminated' : 'not started');
    throw badRequest(`container "${container}" in pod "${name}" is not running (${why})`);
  };
  const nodePods: NodePods = {
    pods: () => [...workers.values()].filter((w) => !w.done).map((w) => w.pod),
    containerLog(namespace, name, container, previous): LogSource {
      const w = findWorker(namespace, name);
      findContainer(w, container);
      const state = w.containerState(container);
      const instance = logInstance(state, previous, container, name);
      const path = runtime.logPath(w.uid, container, instance);
      const handle = w.handle(container);
      const live = handle !== undefined && state?.restartCount === instance && handle.logPath === path;
      const follow: LogFollow | undefined = live
        ? { onGrowth: (l) => recorderFor(path).onGrowth(l), ended: handle.exited.then(() => undefined) }
        : undefined;
      return { path, follow };
    },
    checkRunning(namespace, name, container) {
      runningHandle(namespace, name, container);
    },
    exec(namespace, name, container, argv, options: ExecOptions): ExecProcess {
      return runtime.exec(runningHandle(namespace, name, container), argv, options);
    },
    attach(namespace, name, container) {
      const handle = runningHandle(namespace, name, container);
      return { path: handle.logPath, follow: { onGrowth: (l) => recorderFor(handle.logPath).onGrowth(l), ended: handle.exited.then(() => undefined) } };
    },
    podIP(namespace, name) {
      const ip = findWorker(namespace, name).podIP;
      if (ip === undefined) throw badRequest(`pod "${name}" has no IP address yet`);
      return ip;
    },
  };

  const server: RunningKubeletServer = await startKubeletServer({
    address: opts.nodeIP,
    port: opts.kubeletPort ?? KUBELET_PORT,
    tls: opts.tls,
    pods: nodePods,
    logger,
  }).catch((err: unknown) => {
    throw new Error(`cannot serve the kubelet API on ${opts.nodeIP}:${opts.kubeletPort ?? KUBELET_PORT}: ${(err as Error).message}`, { cause: err });
  });

  const nodeConfig: NodeConfig = {
    name: opts.nodeName,
    ip: opts.nodeIP,
    podCIDR: opts.podCIDR,
    labels: opts.labels ?? {},
    taints: opts.taints ?? [],
    kubeletPort: server.port,
    runtimeVersion: runtime.version,
    capacity,
    machine,
  };
  const lease = new NodeLease(clientset, opts.nodeName);
  let lastNode: KubeObject | undefined;

  const register = async (): Promise<void> => {
    const retry = new Backoff({ initialMs: 500, maxMs: 10_000 });
    while (!signal.aborted) {
      try {
        lastNode = await registerNode(clientset, nodeConfig, clock.wallNow(), signal);
        lease.nodeUid = lastNode.metadata.uid;
        logger.info('node registered', { node: opts.nodeName });
        return;
      } catch (err) {
        if (signal.aborted) return;
        logger.warn('cannot register the node yet; retrying', { node: opts.nodeName, error: err });
        if (!(await pause(clock, retry.next(), signal))) return;
      }
    }
  };

  let postingStatus: Promise<void> | undefined;
  const postStatus = (): Promise<void> => {
    postingStatus ??= (async () => {
      try {
        lastNode = await postNodeStatus(clientset, nodeConfig, clock.wallNow(), lastNode, signal);
      } catch (err) {
        if (isNotFound(err)) await register();
        else if (!signal.aborted) logger.warn('cannot post the node status', { node: opts.nodeName, error: err });
      } finally {
        postingStatus = undefined;
      }
    })();
    return postingStatus;
  };

  const loops: Array<Promise<void>> = [];
  const ready = (async () => {
    await register();
    if (signal.aborted) return;
    nodeInformer.addEventHandler({
      onUpdate: (_old, node) => {
        // Someone else (the node lifecycle controller) says this node is not ready: correct it.
        if (!showsReady(node)) void postStatus();
      },
      onDelete: () => void register(),
    });
    factory.start(signal);
    loops.push(
      (async () => {
        do {
          try {
            await lease.renew(clock.wallNow(), signal);
          } catch (err) {
            if (!signal.aborted) logger.warn('cannot renew the node lease', { node: opts.nodeName, error: err });
          }
        } while (await pause(clock, opts.leaseRenewIntervalMs ?? 2500, signal));
      })(),
      (async () => {
        while (await pause(clock, opts.statusReportIntervalMs ?? 60_000, signal)) await postStatus();
      })(),
      (async () => {
        // Refresh volumes and re-check every pod once a minute, even without events.
        while (await pause(clock, 60_000, signal)) for (const w of workers.values()) w.kick();
      })(),
    );
    if (!(await factory.waitForCacheSync(signal))) return;
    // What is on disk but no longer in the API was deleted while the kubelet was away.
    for (const [uid, pod] of recovered) {
      logger.info('removing a pod that no longer exists', { pod: `${pod.namespace}/${pod.name}`, uid });
      recovered.delete(uid);
      for (const h of pod.running.values()) await h.stop(0);
      await runtime.removePod(uid);
      if (pod.podIP !== '') ips.release(pod.podIP);
    }
  })();
  ready.catch((err: unknown) => logger.error('kubelet start failed', { error: err }));

  const kubelet: RunningKubelet = {
    ...nodePods,
    nodeName: opts.nodeName,
    url: server.url,
    ready,
    async stop() {
      abort.abort();
      await ready.catch(() => undefined);
      await Promise.all(loops);
      await factory.stopped();
      statuses.stop();
      events.stop();
      await Promise.all([...workers.values()].map((w) => w.detach()));
      await Promise.all([...recorders.values()].map((r) => r.stop()));
      await server.close();
      logger.info('kubelet stopped; its containers keep running', { node: opts.nodeName, pods: workers.size });
    },
  };
  return kubelet;
}
