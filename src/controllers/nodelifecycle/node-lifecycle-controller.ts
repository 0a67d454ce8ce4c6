/**
 * The node lifecycle controller notices nodes that stopped reporting and says so.
 *
 * A node's kubelet proves it is alive by renewing its Lease in `kube-node-lease` (and by
 * posting status with a fresh Ready `lastHeartbeatTime`). The controller notes, on its own
 * monotonic clock, when it last saw either change ("probe time"); clocks of other machines are
 * never compared. Once a node has gone `--node-monitor-grace-period` (k8ts: 10 s) without a
 * probe — `--node-startup-grace-period` for a node that never reported Ready — its Ready,
 * MemoryPressure, DiskPressure and PIDPressure conditions become Unknown ("Kubelet stopped
 * posting node status."). A new leader starts every node's probe time at its first look, so
 * a failover never makes healthy nodes look dead.
 *
 * Each reconcile then keeps the node's condition taints in step (condition-taints.ts): a node
 * that is NotReady or unreachable gets NoSchedule and NoExecute taints, which the taint
 * eviction controller acts on; a node that reports Ready again loses them. While a node is
 * unreachable (Ready Unknown), the Ready condition of its pods is set False, so Services stop
 * sending them traffic. (Not for Ready False: that kubelet still runs and reports its pods.)
 *
 * Events, as upstream's node controller records them (source `node-controller`): on each node
 * `RegisteredNode` "Node <n> event: Registered Node <n> in Controller" when the controller
 * first sees it (so again after each failover, as upstream), `RemovingNode` when it goes, and
 * `NodeNotReady` "Node <n> status is now: NodeNotReady" when its Ready condition leaves True;
 * on each pod it marks not ready, a `NodeNotReady` Warning "Node is not ready".
 */
import { leaseType } from '../../api/coordination/v1/lease.ts';
import { nodeType } from '../../api/core/v1/node.ts';
import { podType } from '../../api/core/v1/pod.ts';
import { nodeTaints } from '../../api/core/v1/taints.ts';
import { isObject, objects, str } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { EventRecorder, Informer, ResourceClient } from '../../client/index.ts';
import { isNotFound } from '../../client/index.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import { eventRef } from '../common/event-reference.ts';
import { ensureIndex, NODE_NAME_INDEX } from '../common/indexes.ts';
import { isPodActive, isPodReady } from '../common/pod-state.ts';
import { formatTime } from '../common/time.ts';
import { desiredTaints } from './condition-taints.ts';

/** The namespace of node heartbeat Leases (one per node, named after it). */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** The conditions a kubelet reports, which go Unknown when it stops. */
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** What the controller remembers of one node's heartbeats. */
interface Health {
  leaseRenewTime: string;
  readyHeartbeat: string;
  /** Monotonic ms when a heartbeat was last seen to change. */
  probeAt: number;
  /** The node's uid, for the Event when it goes. */
  uid: string;
  /** The Ready status last seen, to tell when it leaves True. */
  readyStatus: string;
}

function readyCondition(node: KubeObject): Record<string, any> | undefined {
  return objects(isObject(node.status) ? node.status.conditions : undefined).find((c) => c.type === 'Ready');
}

/** Reconciles one node by name; see the file comment. */
export class NodeLifecycleReconciler implements Reconciler {
  readonly #ctx: ControllerContext;
  readonly #nodes: Informer<KubeObject>;
  readonly #leases: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #client: ResourceClient;
  readonly #podClient: ResourceClient;
  readonly #events: EventRecorder;
  readonly #health = new Map<string, Health>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#events = ctx.events.newRecorder('node-controller');
    this.#nodes = ctx.informers.informerFor(nodeType);
    this.#leases = ctx.informers.informerFor(leaseType, { namespace: NODE_LEASE_NAMESPACE });
    this.#pods = ctx.informers.informerFor(podType);
    ensureIndex(this.#pods, NODE_NAME_INDEX);
    this.#client = ctx.clientset.resource(nodeType);
    this.#podClient = ctx.clientset.resource(podType);
  }

  async reconcile(name: string, signal: AbortSignal): Promise<ReconcileResult> {
    let node = this.#nodes.store.get(name);
    if (node === undefined) {
      const gone = this.#health.get(name);
      this.#health.delete(name);
      if (gone !== undefined) this.#nodeEvent(name, gone.uid, 'RemovingNode', `Removing Node ${name} from Controller`);
      return {};
    }
    const nowMs = this.#ctx.clock.now();
    const ready = readyCondition(node);
    const lease = this.#leases.store.get(`${NODE_LEASE_NAMESPACE}/${name}`);
    const leaseRenewTime = isObject(lease?.spec) ? str(lease.spec.renewTime) : '';
    const readyHeartbeat = str(ready?.lastHeartbeatTime);
    const seen = this.#health.get(name);
    if (seen === undefined) this.#nodeEvent(name, node.metadata.uid ?? '', 'RegisteredNode', `Registered Node ${name} in Controller`);
    const health: Health =
      seen === undefined || seen.leaseRenewTime !== leaseRenewTime || seen.readyHeartbeat !== readyHeartbeat
        ? { leaseRenewTime, readyHeartbeat, probeAt: nowMs, uid: node.metadata.uid ?? '', readyStatus: seen?.readyStatus ?? str(ready?.status) }
        : seen;
    this.#health.set(name, health);

    const { nodeMonitorGracePeriodMs, nodeStartupGracePeriodMs } = this.#ctx.settings;
    const grace = ready === undefined ? nodeStartupGracePeriodMs : nodeMonitorGracePeriodMs;
    const silentFor = nowMs - health.probeAt;
    if (silentFor >= grace) node = await this.#markUnknown(node, signal);
    const readyStatus = str(readyCondition(node)?.status);
    if (health.readyStatus === 'True' && readyStatus !== 'True') {
      this.#events.event(eventRef(node, nodeType), 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    }
    health.readyStatus = readyStatus;

    const taints = desiredTaints(node, this.#ctx.clock.wallNow());
    if (!deepEqual(taints, nodeTaints(node))) {
      node = await this.#client.update({ ...node, spec: { ...node.spec, taints: taints.length > 0 ? taints : undefined } }, { signal });
    }
    if (readyCondition(node)?.status === 'Unknown') await this.#markPodsNotReady(name, signal);
    // Look again every monitor period, and right when this node's grace period would run out.
    const period = this.#ctx.settings.nodeMonitorPeriodMs;
    return { requeueAfterMs: silentFor < grace ? Math.min(period, grace - silentFor + 100) : period };
  }

  /** Sets the kubelet's conditions to Unknown (adding those it never posted); returns the stored node. */
  async #markUnknown(node: KubeObject, signal: AbortSignal): Promise<KubeObject> {
    const stamp = formatTime(this.#ctx.clock.wallNow());
    const conditions = objects(isObject(node.status) ? node.status.conditions : undefined).map((c) => ({ ...c }));
    let changed = false;
    for (const type of KUBELET_CONDITIONS) {
      const cond = conditions.find((c) => c.type === type);
      if (cond === undefined) {
        conditions.push({
          type,
          status: 'Unknown',
          lastHeartbeatTime: node.metadata.creationTimestamp ?? stamp,
          lastTransitionTime: stamp,
          reason: 'NodeStatusNeverUpdated',
          message: 'Kubelet never posted node status.',
        });
        changed = true;
      } else if (cond.status !== 'Unknown') {
        Object.assign(cond, { status: 'Unknown', lastTransitionTime: stamp, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
        changed = true;
      }
    }
    if (!changed) return node;
    this.#ctx.logger.warn('node stopped reporting; marking its conditions Unknown', { node: node.metadata.name });
    return this.#client.updateStatus({ ...node, status: { ...node.status, conditions } }, { signal });
  }

  /** Sets the Ready condition of the node's pods False (they may not be serving any more). */
  async #markPodsNotReady(nodeName: string, signal: AbortSignal): Promise<void> {
    const stamp = formatTime(this.#ctx.clock.wallNow());
    const pods = this.#pods.store.byIndex(NODE_NAME_INDEX, nodeName).filter((p) => isPodActive(p) && isPodReady(p));
    await Promise.all(
      pods.map(async (pod) => {
        const conditions = objects(pod.status?.conditions).map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: stamp } : c));
        try {
          await this.#podClient.updateStatus({ ...pod, status: { ...pod.status, conditions } }, { signal });
          this.#events.event(eventRef(pod, podType), 'Warning', 'NodeNotReady', 'Node is not ready');
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }),
    );
  }

  /** Upstream's node Events: `Node <name> event: <what>`. */
  #nodeEvent(name: string, uid: string, reason: string, what: string): void {
    this.#events.event({ kind: 'Node', apiVersion: 'v1', name, uid }, 'Normal', reason, `Node ${name} event: ${what}`);
  }
}

/** The node lifecycle controller, as the runner and the registry see it. */
export const nodeLifecycleController: ControllerDescriptor = {
  name: 'node-lifecycle-controller',
  aliases: ['nodelifecycle'],
  primary: nodeType,
  watches: [
    { type: leaseType, scope: { namespace: NODE_LEASE_NAMESPACE }, mapTo: (lease) => [lease.metadata.name ?? ''] },
    // A ready pod on an unreachable node is marked not ready too.
    { type: podType, mapTo: (pod) => (isObject(pod.spec) && str(pod.spec.nodeName) !== '' && isPodReady(pod) ? [str(pod.spec.nodeName)] : []) },
  ],
  workers: 2,
  create: (ctx) => new NodeLifecycleReconciler(ctx),
};
