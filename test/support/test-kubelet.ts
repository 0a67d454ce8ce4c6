/**
 * A stand-in for the scheduler and the kubelets in tests of the controllers: it binds pending
 * pods to its nodes (the one a DaemonSet pod is pinned to, otherwise round-robin), reports them
 * Running with a pod IP (Ready at once, or only when the test says so), lets pods with
 * `restartPolicy: Never|OnFailure` succeed, and finishes graceful deletions. Everything goes
 * through the API (pods/binding, pods/status, DELETE), as the real components do.
 */
import { podType } from '../../src/api/core/v1/pod.ts';
import { affinityNodeName } from '../../src/api/core/v1/node-affinity.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { resourcePath } from '../../src/api/resource-type.ts';
import { type Clientset, Informer, isConflict, isNotFound, listerWatcherFor, objectKey } from '../../src/client/index.ts';

export interface TestKubeletOptions {
  /** Node names to bind pods to. */
  readonly nodes: readonly string[];
  /** Pods become Ready as soon as they run. @default true */
  readonly autoReady?: boolean;
  /** Pods of Jobs (restartPolicy Never/OnFailure) succeed once running. @default true */
  readonly completeJobs?: boolean;
  /** Nodes whose "kubelet" is dead: their pods are left alone. */
  readonly deadNodes?: Set<string>;
}

export interface TestKubelet {
  /** Marks a running pod Ready (for tests that pace readiness themselves). */
  markReady(pod: KubeObject): Promise<void>;
  /** Resolves once the kubelet has nothing left to do for what it has seen. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const stamp = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Starts the stand-in kubelet; see the file comment. */
export async function startTestKubelet(clientset: Clientset, opts: TestKubeletOptions): Promise<TestKubelet> {
  const pods = clientset.resource(podType);
  const informer = new Informer<KubeObject>({ listerWatcher: listerWatcherFor(pods), name: 'test-kubelet' });
  const ac = new AbortController();
  let next = 0;
  let ipSeq = 0;
  const ips = new Map<string, string>();
  const inFlight = new Set<Promise<void>>();
  const pending = new Set<string>();

  const ready = (ip: string, isReady: boolean): Record<string, unknown> => ({
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    hostIP: '127.10.1.2',
    startTime: stamp(),
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: stamp() },
      { type: 'Initialized', status: 'True', lastTransitionTime: stamp() },
      { type: 'ContainersReady', status: isReady ? 'True' : 'False', lastTransitionTime: stamp() },
      { type: 'Ready', status: isReady ? 'True' : 'False', lastTransitionTime: stamp() },
    ],
  });

  const writeStatus = async (pod: KubeObject, status: Record<string, unknown>): Promise<void> => {
    try {
      await pods.updateStatus({ ...pod, status: { ...pod.status, ...status } }, { signal: ac.signal });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };

  const handle = async (pod: KubeObject): Promise<void> => {
    const node: string = pod.spec?.nodeName ?? '';
    if (node !== '' && opts.deadNodes?.has(node)) return;
    if (pod.metadata.deletionTimestamp !== undefined) {
      if (node === '') return;
      await pods.delete(pod.metadata.name ?? '', { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, signal: ac.signal }).catch((err: unknown) => {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      });
      return;
    }
    if (node === '') {
      const alive = opts.nodes.filter((n) => !opts.deadNodes?.has(n));
      const target = affinityNodeName(pod.spec) ?? alive[next++ % Math.max(1, alive.length)];
      if (target === undefined || opts.deadNodes?.has(target)) return;
      await clientset.rest
        .requestJson({ method: 'POST', path: resourcePath(podType, pod.metadata.namespace, pod.metadata.name, 'binding'), body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name }, target: { kind: 'Node', name: target } }, signal: ac.signal })
        .catch((err: unknown) => {
          if (!isNotFound(err) && !isConflict(err)) throw err;
        });
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Pending' || phase === undefined) {
      let ip = ips.get(pod.metadata.uid ?? '');
      if (ip === undefined) {
        ipSeq++;
        ip = `127.21.${Math.floor(ipSeq / 250) + 1}.${(ipSeq % 250) + 1}`;
        ips.set(pod.metadata.uid ?? '', ip);
      }
      await writeStatus(pod, ready(ip, opts.autoReady ?? true));
      return;
    }
    if (phase === 'Running' && (opts.completeJobs ?? true) && pod.spec?.restartPolicy !== 'Always') {
      await writeStatus(pod, { phase: 'Succeeded', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: stamp() }] });
    }
  };

  // One pod at a time, its latest state: a change arriving while its previous one is handled is handled after.
  const enqueue = (pod: KubeObject): void => {
    const key = objectKey(pod);
    if (pending.has(key)) return;
    pending.add(key);
    const p = (async () => {
      await Promise.resolve();
      pending.delete(key);
      const latest = informer.store.get(key);
      if (latest !== undefined) await handle(latest);
    })().catch(() => undefined);
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  informer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });
  const running = informer.run(ac.signal);
  await informer.waitForSync(ac.signal);

  return {
    async markReady(pod) {
      const latest = await pods.get(pod.metadata.name ?? '', { namespace: pod.metadata.namespace });
      await writeStatus(latest, ready(latest.status?.podIP ?? '127.21.0.1', true));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async stop() {
      ac.abort();
      await Promise.all([...inFlight]);
      await running;
    },
  };
}
