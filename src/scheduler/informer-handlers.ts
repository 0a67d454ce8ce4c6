/**
 * How informer events reach the scheduler's cache and queue, and which cluster events they
 * amount to (the queue retries unschedulable pods on the events their rejecting plugins name):
 *
 * - a pod bound to a node → the cache (confirming an assumed pod); `AssignedPodAdd`, or
 *   `AssignedPodUpdate` when its labels changed; it leaves the queue.
 * - a pod not bound, for this scheduler and not terminating → the queue; otherwise it leaves it.
 * - a pod deleted → out of queue and cache; `AssignedPodDelete` if it held room on a node.
 * - nodes → the cache; `NodeAdd`, `NodeDelete`, and for updates only what changed for
 *   scheduling (labels, taints, allocatable, readiness, unschedulable): heartbeats are nothing.
 * - namespaces → `NamespaceChange` (affinity terms select namespaces by label).
 */
import { namespaceType } from '../api/core/v1/namespace.ts';
import { nodeType } from '../api/core/v1/node.ts';
import { podType } from '../api/core/v1/pod.ts';
import type { KubeObject } from '../api/meta/types.ts';
import type { Informer, SharedInformerFactory } from '../client/index.ts';
import { isTombstone } from '../client/index.ts';
import type { SchedulerCache } from './cache/scheduler-cache.ts';
import type { ClusterEvent } from './framework/cluster-event.ts';
import type { NodeInfo } from './framework/node-info.ts';
import { newPodInfo } from './framework/pod-info.ts';
import { resourceEquals } from './framework/resources.ts';
import type { SchedulingQueue } from './queue/scheduling-queue.ts';

/** Pods that finished running hold no resources: the scheduler does not watch them. */
const ACTIVE_PODS_SELECTOR = 'status.phase!=Succeeded,status.phase!=Failed';

/** The informers a scheduler reads. */
export interface SchedulerInformers {
  readonly pods: Informer<KubeObject>;
  readonly nodes: Informer<KubeObject>;
  readonly namespaces: Informer<KubeObject>;
}

/**
 * The scheduler's informers, created in `factory` if they do not exist yet: pods that have not
 * finished, nodes, and namespaces (their labels, for affinity terms' namespaceSelector).
 */
export function schedulerInformers(factory: SharedInformerFactory): SchedulerInformers {
  return {
    pods: factory.informerFor(podType, { fieldSelector: ACTIVE_PODS_SELECTOR }),
    nodes: factory.informerFor(nodeType),
    namespaces: factory.informerFor(namespaceType),
  };
}

/** What the handlers feed. */
export interface HandlerTargets {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  /** The `spec.schedulerName` this scheduler serves. */
  readonly schedulerName: string;
}

function labelsChanged(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(a.metadata.labels ?? {}) !== JSON.stringify(b.metadata.labels ?? {});
}

/** Subscribes `t` to the informers (which replay what they hold); returns the unsubscribe functions. */
export function subscribe(informers: SchedulerInformers, t: HandlerTargets): Array<() => void> {
  const { cache, queue } = t;
  const onPod = (old: KubeObject | undefined, obj: KubeObject): void => {
    const pod = newPodInfo(obj);
    if (pod.nodeName !== '') {
      const wasAssigned = old !== undefined && (old.spec?.nodeName ?? '') !== '';
      queue.delete(pod.key);
      cache.addPod(pod);
      if (!wasAssigned) queue.moveOnEvent('AssignedPodAdd');
      else if (labelsChanged(old, obj)) queue.moveOnEvent('AssignedPodUpdate');
      return;
    }
    if (pod.schedulerName !== t.schedulerName || pod.terminating) queue.delete(pod.key);
    else if (old === undefined) queue.add(pod);
    else queue.update(pod);
  };
  return [
    informers.pods.addEventHandler({
      onAdd: (obj) => onPod(undefined, obj),
      onUpdate: (old, obj) => onPod(old, obj),
      onDelete: (obj) => {
        const pod = isTombstone(obj) ? obj.obj : obj;
        const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
        queue.delete(key);
        if (cache.removePod(key) !== undefined) queue.moveOnEvent('AssignedPodDelete');
      },
    }),
    informers.nodes.addEventHandler({
      onAdd: (node) => {
        cache.setNode(node);
        queue.moveOnEvent('NodeAdd');
      },
      onUpdate: (_old, node) => {
        const before = cache.get(node.metadata.name ?? '');
        const was = before === undefined ? undefined : nodeFacts(before);
        const after = cache.setNode(node);
        for (const e of was === undefined ? (['NodeAdd'] as const) : nodeChanges(was, after)) queue.moveOnEvent(e);
      },
      onDelete: (obj) => {
        const node = isTombstone(obj) ? obj.obj : obj;
        cache.removeNode(node.metadata.name ?? '');
        queue.moveOnEvent('NodeDelete');
      },
    }),
    informers.namespaces.addEventHandler({
      onAdd: () => queue.moveOnEvent('NamespaceChange'),
      onUpdate: (old, ns) => {
        if (labelsChanged(old, ns)) queue.moveOnEvent('NamespaceChange');
      },
    }),
  ];
}

/** What node events compare. */
type NodeFacts = Pick<NodeInfo, 'labels' | 'taints' | 'allocatable' | 'ready' | 'unschedulable'>;

function nodeFacts(n: NodeInfo): NodeFacts {
  return { labels: n.labels, taints: n.taints, allocatable: n.allocatable, ready: n.ready, unschedulable: n.unschedulable };
}

/** The cluster events a Node update amounts to (heartbeats amount to none). */
export function nodeChanges(a: NodeFacts, b: NodeFacts): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  if (JSON.stringify(a.labels) !== JSON.stringify(b.labels)) events.push('NodeLabelChange');
  if (JSON.stringify(a.taints) !== JSON.stringify(b.taints)) events.push('NodeTaintChange');
  if (!resourceEquals(a.allocatable, b.allocatable)) events.push('NodeAllocatableChange');
  if (a.ready !== b.ready) events.push('NodeConditionChange');
  if (a.unschedulable !== b.unschedulable) events.push('NodeSpecUnschedulableChange');
  return events;
}
