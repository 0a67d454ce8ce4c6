/**
 * The Node object a kubelet registers and the status it posts: capacity and allocatable (cpu,
 * memory, pods 110, ephemeral storage), addresses (InternalIP = node IP, Hostname = node name),
 * the pod CIDR, the standard labels, nodeInfo, the kubelet endpoint (port 10250) and the four
 * conditions (Ready, MemoryPressure, DiskPressure, PIDPressure).
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { KUBELET_VERSION } from '../version.ts';
import type { MachineInfo } from './machine.ts';

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Everything the node object is built from. */
export interface NodeConfig {
  readonly name: string;
  readonly ip: string;
  readonly podCIDR: string;
  /** Labels on top of the standard ones (kubernetes.io/hostname, os, arch). */
  readonly labels: Readonly<Record<string, string>>;
  /** Taints set when the node is first registered. */
  readonly taints: readonly Taint[];
  readonly kubeletPort: number;
  /** `process://…` or `sim://…`. */
  readonly runtimeVersion: string;
  /** cpu as a quantity (`4`), memory as a quantity (`16Gi` or bytes), max pods. */
  readonly capacity: { readonly cpu: string; readonly memory: string; readonly pods: number };
  readonly machine: MachineInfo;
}

export const DEFAULT_MAX_PODS = 110;

interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The labels a kubelet puts on its node. */
export function nodeLabels(config: NodeConfig): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': config.machine.architecture,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': config.machine.architecture,
    'kubernetes.io/hostname': config.name,
    'kubernetes.io/os': 'linux',
    ...config.labels,
  };
}

const OWN_CONDITIONS: ReadonlyArray<{ type: string; ok: 'True' | 'False'; reason: string; message: string }> = [
  { type: 'MemoryPressure', ok: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', ok: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', ok: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', ok: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/**
 * The node's status at `now`. Conditions keep their lastTransitionTime from `previous` when
 * their status is unchanged.
 */
export function nodeStatus(config: NodeConfig, now: Date, previous?: readonly NodeCondition[]): Record<string, unknown> {
  const resources = {
    cpu: config.capacity.cpu,
    memory: config.capacity.memory,
    pods: String(config.capacity.pods),
    'ephemeral-storage': '100Gi',
  };
  const time = rfc3339(now);
  const conditions = OWN_CONDITIONS.map((c) => {
    const old = previous?.find((p) => p.type === c.type);
    return {
      type: c.type,
      status: c.ok,
      reason: c.reason,
      message: c.message,
      lastHeartbeatTime: time,
      lastTransitionTime: old !== undefined && old.status === c.ok ? old.lastTransitionTime : time,
    } satisfies NodeCondition;
  });
  return {
    capacity: resources,
    allocatable: resources,
    conditions,
    addresses: [
      { type: 'InternalIP', address: config.ip },
      { type: 'Hostname', address: config.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: config.kubeletPort } },
    nodeInfo: {
      machineID: config.machine.machineID,
      systemUUID: config.machine.machineID,
      bootID: config.machine.bootID,
      kernelVersion: config.machine.kernelVersion,
      osImage: config.machine.osImage,
      containerRuntimeVersion: config.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: config.machine.architecture,
    },
  };
}

/** The Node to register. */
export function newNodeObject(config: NodeConfig, now: Date): KubeObject {
  const spec: Record<string, unknown> = { podCIDR: config.podCIDR, podCIDRs: [config.podCIDR] };
  if (config.taints.length > 0) spec['taints'] = config.taints.map((t) => ({ ...t }));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: config.name, labels: nodeLabels(config), annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec,
    status: nodeStatus(config, now),
  };
}

/** The conditions of a node object, for carrying transition times over. */
export function conditionsOf(node: KubeObject | undefined): NodeCondition[] {
  const c = (node?.status as { conditions?: NodeCondition[] } | undefined)?.conditions;
  return Array.isArray(c) ? c : [];
}

/** Whether the API's node shows the kubelet's Ready=True (else someone marked it otherwise). */
export function showsReady(node: KubeObject): boolean {
  return conditionsOf(node).some((c) => c.type === 'Ready' && c.status === 'True');
}
