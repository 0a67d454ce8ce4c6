/**
 * Simulated nodes (the `sim` runtime, kwok-style): any number of nodes in one process whose pods
 * go through their lifecycle without processes, so one machine holds thousands of nodes for
 * scheduler and controller tests.
 *
 *   nodes     each registers a Node like a real kubelet (capacity from options: 32 cpu, 256Gi,
 *             110 pods by default; runtime `sim://<version>`); leases renewed in a steady stream
 *             spread over the renewal interval, with bounded concurrency
 *   pods      one informer over all pods (no field selector), routed by spec.nodeName: a pod bound
 *             to a simulated node gets an address from that node's slice of the pod CIDR and,
 *             after `startDelayMs`, phase Running with every container running and ready (init
 *             containers completed)
 *   deletion  a terminating pod is deleted (grace 0) after `stopDelayMs`, never later than its
 *             grace period: its simulated containers stop as a process that honours SIGTERM would
 *   server    one HTTPS server on the agent's address for all of them: /pods, empty logs, and a
 *             clear 400 for exec and attach (there is nothing to run them in)
 */
import { nodeType } from '../../api/core/v1/node.ts';
import { podType } from '../../api/core/v1/pod.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { isConflict, isNotFound, isTombstone, pause, realClock, SharedInformerFactory, silentLogger } from '../../client/index.ts';
import type { Pod } from '../api-types.ts';
import type { NodeAgentOptions } from '../node/agent-options.ts';
import { NodeLease } from '../node/node-lease.ts';
import { readMachineInfo } from '../node/machine.ts';
import { DEFAULT_MAX_PODS, showsReady, type NodeConfig } from '../node/node-object.ts';
import { postNodeStatus, registerNode } from '../node/node-registration.ts';
import { newContainerState, recordExit, type ContainerState } from '../pod/container-state.ts';
import { PodIpAllocator, numberToIpv4, parseCidr } from '../pod/ip-allocator.ts';
import { computePodStatus } from '../pod/pod-status.ts';
import { PodStatusManager } from '../pod/status-manager.ts';
import { startKubeletServer, KUBELET_PORT, type RunningKubeletServer } from '../server/kubelet-server.ts';
import { badRequest, notFound, type NodePods } from '../server/node-pods.ts';
import { K8TS_VERSION } from '../version.ts';

/**
 * Every simulated node's InternalIP is `nodeIP` (the shared server listens there); capacity
 * defaults to 32 CPUs, 256Gi and 110 pods; leases are renewed every max(2500, count) ms (1,000
 * nodes: 2.5 s, 5,000: 5 s).
 */
export interface SimNodesOptions extends NodeAgentOptions {
  /** Node names: `<baseName>-1` … `<baseName>-<count>`, or `baseName` itself when `single`. */
  readonly baseName: string;
  readonly count: number;
  /** Register exactly one node named `baseName` (an agent with `--runtime sim` and no `--sim-nodes`). */
  readonly single?: boolean;
  /** Split evenly among the nodes (each gets the largest power-of-two block that fits). */
  readonly podCIDR: string;
  /** Pending → Running after this long, ms. @default 500 */
  readonly startDelayMs?: number;
  /** How long a terminating pod's containers take to stop, ms (capped by its grace period). @default 0 */
  readonly stopDelayMs?: number;
}

export interface RunningSimNodes extends NodePods {
  readonly nodeNames: readonly string[];
  readonly url: string;
  /** Resolves once every node is registered and the pod informer has synced. */
  readonly ready: Promise<void>;
  /** Stops simulating (nodes and pods stay in the API, as with a stopped kubelet). */
  stop(): Promise<void>;
}

interface SimNode {
  readonly config: NodeConfig;
  readonly ips: PodIpAllocator;
  readonly lease: NodeLease;
  lastNode: KubeObject | undefined;
}

interface SimPod {
  pod: Pod;
  readonly node: SimNode;
  readonly ip: string;
  readonly acceptedAt: string;
  startedAt: string | undefined;
  timer: AbortController | undefined;
  terminating: boolean;
}

/** How many API calls the simulation makes at once. */
const CONCURRENCY = 32;

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Splits `cidr` into `count` equal power-of-two blocks. @throws Error when they would hold fewer than 4 addresses */
export function splitPodCidr(cidr: string, count: number): string[] {
  const { base, size } = parseCidr(cidr);
  const per = 2 ** Math.floor(Math.log2(size / count));
  if (!(per >= 4)) {
    const needed = 32 - Math.ceil(Math.log2(count * 4));
    throw new Error(`pod CIDR ${cidr} is too small for ${count} simulated nodes (each needs at least 4 addresses): give at least a /${needed}`);
  }
  const prefix = 32 - Math.log2(per);
  return Array.from({ length: count }, (_, j) => `${numberToIpv4(base + j * per)}/${prefix}`);
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function startSimNodes(opts: SimNodesOptions): Promise<RunningSimNodes> {
  const logger = opts.logger ?? silentLogger;
  const clock = opts.clock ?? realClock;
  const clientset = opts.clientset;
  const abort = new AbortController();
  const signal = abort.signal;
  const machine = readMachineInfo();
  const count = opts.single === true ? 1 : opts.count;
  const cidrs = splitPodCidr(opts.podCIDR, count);
  const names = opts.single === true ? [opts.baseName] : Array.from({ length: count }, (_, j) => `${opts.baseName}-${j + 1}`);
  const capacity = { cpu: opts.capacity?.cpu ?? '32', memory: opts.capacity?.memory ?? '256Gi', pods: opts.capacity?.pods ?? DEFAULT_MAX_PODS };
  const runtimeVersion = `sim://${K8TS_VERSION}`;
  const startDelayMs = opts.startDelayMs ?? 500;
  const stopDelayMs = opts.stopDelayMs ?? 0;
  const leaseInterval = opts.leaseRenewIntervalMs ?? Math.max(2500, count);
  const statuses = new PodStatusManager(clientset, logger);
  const pods = new Map<string, SimPod>();

  const nodes = new Map<string, SimNode>();
  const nodePods: NodePods = {
    pods: () => [...pods.values()].map((p) => p.pod),
    containerLog(namespace, name, container) {
      const p = find(namespace, name);
      if (![...(p.pod.spec.initContainers ?? []), ...p.pod.spec.containers].some((c) => c.name === container)) {
        throw badRequest(`container ${container} is not valid for pod ${name}`);
      }
      return { path: undefined };
    },
    checkRunning(_ns, name) {
      throw badRequest(`pod "${name}" runs on a simulated node (runtime sim): there are no processes to exec into or attach to`);
    },
    exec(_ns, name) {
      throw badRequest(`pod "${name}" runs on a simulated node (runtime sim): there are no processes to exec into`);
    },
    attach(_ns, name) {
      throw badRequest(`pod "${name}" runs on a simulated node (runtime sim): there are no processes to attach to`);
    },
    podIP: (namespace, name) => find(namespace, name).ip,
  };
  function find(namespace: string, name: string): SimPod {
    for (const p of pods.values()) if (p.pod.metadata.namespace === namespace && p.pod.metadata.name === name) return p;
    throw notFound(`pod "${name}" in namespace "${namespace}" is not on a simulated node of this agent`);
  }

  const server: RunningKubeletServer = await startKubeletServer({ address: opts.nodeIP, port: opts.kubeletPort ?? KUBELET_PORT, tls: opts.tls, pods: nodePods, logger });
  names.forEach((name, j) => {
    const config: NodeConfig = {
      name,
      ip: opts.nodeIP,
      podCIDR: cidrs[j]!,
      labels: { 'type.k8ts.io/sim': 'true', ...(opts.labels ?? {}) },
      taints: opts.taints ?? [],
      kubeletPort: server.port,
      runtimeVersion,
      capacity,
      machine,
    };
    nodes.set(name, { config, ips: new PodIpAllocator(cidrs[j]!), lease: new NodeLease(clientset, name), lastNode: undefined });
  });

  /** The simulated state of the pod's containers: all running and ready since `startedAt`. */
  const writeStatus = (p: SimPod): void => {
    const containers = new Map<string, ContainerState>();
    const init = new Map<string, ContainerState>();
    const id = (name: string) => `sim://${p.pod.metadata.uid}/${name}`;
    for (const c of p.pod.spec.initContainers ?? []) {
      const st = newContainerState(c.name);
      st.running = { containerID: id(c.name), startedAt: p.startedAt ?? p.acceptedAt };
      recordExit(st, { exitCode: 0, reason: 'Completed', startedAt: p.startedAt ?? p.acceptedAt, finishedAt: p.startedAt ?? p.acceptedAt, containerID: id(c.name) });
      init.set(c.name, st);
    }
    if (p.startedAt !== undefined) {
      for (const c of p.pod.spec.containers) {
        const st = newContainerState(c.name);
        st.running = { containerID: id(c.name), startedAt: p.startedAt };
        st.ready = !p.terminating;
        st.started = true;
        if (p.terminating && p.timer === undefined) {
          recordExit(st, { exitCode: 0, reason: 'Completed', startedAt: p.startedAt, finishedAt: rfc3339(clock.wallNow()), containerID: id(c.name) });
        }
        containers.set(c.name, st);
      }
    }
    statuses.set(
      p.pod,
      computePodStatus({
        pod: p.pod,
        containers,
        initContainers: p.startedAt === undefined ? new Map() : init,
        hostIP: opts.nodeIP,
        podIP: p.ip,
        startTime: p.acceptedAt,
        sandboxReady: true,
        terminating: p.terminating,
        now: rfc3339(clock.wallNow()),
      }),
    );
  };

  const after = (p: SimPod, ms: number, fn: () => void): void => {
    p.timer?.abort();
    const timer = new AbortController();
    p.timer = timer;
    clock.sleep(ms, timer.signal).then(
      () => {
        if (p.timer === timer) p.timer = undefined;
        fn();
      },
      () => undefined,
    );
  };

  const finish = async (p: SimPod): Promise<void> => {
    await statuses.flush(p.pod.metadata.uid ?? '');
    try {
      await clientset.resource(podType).delete(p.pod.metadata.name ?? '', {
        namespace: p.pod.metadata.namespace ?? '',
        gracePeriodSeconds: 0,
        preconditions: { uid: p.pod.metadata.uid ?? '' },
      });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) {
        logger.warn('cannot delete a terminated simulated pod; retrying', { pod: `${p.pod.metadata.namespace}/${p.pod.metadata.name}`, error: err });
        after(p, 1000, () => void finish(p));
      }
    }
  };

  const onPod = (pod: Pod): void => {
    const uid = pod.metadata.uid ?? '';
    const node = nodes.get(pod.spec.nodeName ?? '');
    if (node === undefined) return;
    statuses.observe(pod);
    let p = pods.get(uid);
    if (p === undefined) {
      const phase = pod.status?.phase;
      const previousIP = pod.status?.podIP;
      const ip = previousIP !== undefined && node.ips.reserve(previousIP) ? previousIP : node.ips.allocate();
      const running = phase === 'Running' || phase === 'Succeeded' || phase === 'Failed';
      p = {
        pod,
        node,
        ip,
        acceptedAt: pod.status?.startTime ?? rfc3339(clock.wallNow()),
        startedAt: running ? (pod.status?.containerStatuses?.[0]?.state.running?.startedAt ?? pod.status?.startTime) : undefined,
        timer: undefined,
        terminating: false,
      };
      pods.set(uid, p);
      if (!running) {
        const sp = p;
        writeStatus(sp);
        after(sp, startDelayMs, () => {
          sp.startedAt = rfc3339(clock.wallNow());
          writeStatus(sp);
        });
      }
    }
    p.pod = pod;
    if (pod.metadata.deletionTimestamp !== undefined && !p.terminating) {
      p.terminating = true;
      const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
      const sp = p;
      writeStatus(sp);
      after(sp, Math.min(stopDelayMs, graceMs), () => {
        writeStatus(sp);
        void finish(sp);
      });
    }
  };

  const forget = (pod: Pod): void => {
    const uid = pod.metadata.uid ?? '';
    const p = pods.get(uid);
    if (p === undefined) return;
    p.timer?.abort();
    p.node.ips.release(p.ip);
    pods.delete(uid);
    statuses.forget(uid);
  };

  const factory = new SharedInformerFactory(clientset, { logger });
  const podInformer = factory.informerFor<Pod>(podType);
  podInformer.addEventHandler({
    onAdd: (pod) => onPod(pod),
    onUpdate: (_old, pod) => onPod(pod),
    onDelete: (obj) => forget(isTombstone(obj) ? obj.obj : obj),
  });
  const nodeInformer = factory.informerFor(nodeType);

  const postStatus = async (node: SimNode): Promise<void> => {
    try {
      node.lastNode = await postNodeStatus(clientset, node.config, clock.wallNow(), node.lastNode, signal);
    } catch (err) {
      if (isNotFound(err)) {
        node.lastNode = await registerNode(clientset, node.config, clock.wallNow(), signal).catch(() => undefined);
        node.lease.nodeUid = node.lastNode?.metadata.uid;
      } else if (!signal.aborted) logger.warn('cannot post a simulated node status', { node: node.config.name, error: err });
    }
  };

  const loops: Array<Promise<void>> = [];
  const ready = (async () => {
    const all = [...nodes.values()];
    let pending = all;
    while (pending.length > 0 && !signal.aborted) {
      const failed: SimNode[] = [];
      await eachLimited(pending, CONCURRENCY, async (node) => {
        try {
          node.lastNode = await registerNode(clientset, node.config, clock.wallNow(), signal);
          node.lease.nodeUid = node.lastNode.metadata.uid;
          // The first heartbeat with the registration, so no node is ever seen without a lease.
          await node.lease.renew(clock.wallNow(), signal);
        } catch (err) {
          if (!signal.aborted) failed.push(node);
          if (failed.length === 1) logger.warn('cannot register simulated nodes yet; retrying', { error: err });
        }
      });
      pending = failed;
      if (pending.length > 0 && !(await pause(clock, 1000, signal))) return;
    }
    logger.info('simulated nodes registered', { count: all.length, first: all[0]?.config.name });
    nodeInformer.addEventHandler({
      onUpdate: (_old, obj) => {
        const node = nodes.get(obj.metadata.name ?? '');
        if (node !== undefined && !showsReady(obj)) void postStatus(node);
      },
    });
    factory.start(signal);
    // Leases: a steady stream, each node once per interval, in ticks of 100 ms.
    loops.push(
      (async () => {
        const tickMs = 100;
        let cursor = 0;
        do {
          const batch = Math.max(1, Math.ceil((all.length * tickMs) / leaseInterval));
          const slice = Array.from({ length: Math.min(batch, all.length) }, () => all[cursor++ % all.length]!);
          const started = clock.now();
          await eachLimited(slice, CONCURRENCY, async (node) => {
            try {
              await node.lease.renew(clock.wallNow(), signal);
            } catch (err) {
              if (!signal.aborted) logger.warn('cannot renew a simulated node lease', { node: node.config.name, error: err });
            }
          });
          if (!(await pause(clock, Math.max(0, tickMs - (clock.now() - started)), signal))) return;
        } while (!signal.aborted);
      })(),
      (async () => {
        while (await pause(clock, opts.statusReportIntervalMs ?? 60_000, signal)) await eachLimited(all, CONCURRENCY, postStatus);
      })(),
    );
    await factory.waitForCacheSync(signal);
  })();
  ready.catch((err: unknown) => logger.error('simulated nodes failed to start', { error: err }));

  return {
    ...nodePods,
    nodeNames: names,
    url: server.url,
    ready,
    async stop() {
      abort.abort();
      await ready.catch(() => undefined);
      await Promise.all(loops);
      await factory.stopped();
      for (const p of pods.values()) p.timer?.abort();
      statuses.stop();
      await server.close();
    },
  };
}
