/**
 * How the apiserver reaches the kubelet of the node a pod runs on: `https://<node InternalIP>:
 * <status.daemonEndpoints.kubeletEndpoint.Port>` (10250 when unset), presenting the apiserver's
 * kubelet-client certificate (CN kube-apiserver-kubelet-client, O system:masters) and verifying
 * the kubelet's serving certificate against the cluster CA.
 */
import type { KubeObject } from '../api/meta/types.ts';
import { badRequest, serviceUnavailable } from './errors.ts';
import type { ApiRegistry } from './registry/api-registry.ts';

/** The apiserver's credentials toward kubelets (PEM). */
export interface KubeletClientConfig {
  readonly certPem: string;
  readonly keyPem: string;
  /** The CA that signs kubelet serving certificates (the cluster CA). */
  readonly caPem: string;
}

export const DEFAULT_KUBELET_PORT = 10250;

interface NodeAddress {
  type?: string;
  address?: string;
}

/** The kubelet's base URL for a node object. @throws ApiError when the node has no address */
export function kubeletBaseUrl(node: KubeObject): URL {
  const status = (node.status ?? {}) as { addresses?: NodeAddress[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
  const addresses = status.addresses ?? [];
  const address = addresses.find((a) => a.type === 'InternalIP')?.address ?? addresses.find((a) => a.type === 'Hostname')?.address;
  if (address === undefined || address === '') throw badRequest(`node "${node.metadata.name}" has no InternalIP address to reach its kubelet at`);
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
  const host = address.includes(':') ? `[${address}]` : address;
  return new URL(`https://${host}:${port > 0 ? port : DEFAULT_KUBELET_PORT}`);
}

/** A pod and the kubelet that runs it. */
export interface PodLocation {
  readonly pod: KubeObject;
  readonly node: KubeObject;
  readonly baseUrl: URL;
}

/**
 * Finds pod `namespace/name` and its node's kubelet.
 * @throws ApiError 404 for a missing pod or node, 400 for a pod not scheduled yet
 */
export async function locatePod(registry: ApiRegistry, namespace: string, name: string): Promise<PodLocation> {
  const pods = registry.lookup('', 'v1', 'pods');
  const nodes = registry.lookup('', 'v1', 'nodes');
  if (pods === undefined || nodes === undefined) throw serviceUnavailable('pods or nodes are not served');
  const pod = await pods.store.get(namespace, name);
  const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
  if (nodeName === '') throw badRequest(`pod ${name} does not have a host assigned`);
  const node = await nodes.store.get('', nodeName);
  return { pod, node, baseUrl: kubeletBaseUrl(node) };
}

/** The name of a pod's container as a request names it (or the only one when none is named). */
export function resolveContainer(pod: KubeObject, requested: string | null): string {
  const spec = (pod.spec ?? {}) as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> };
  const containers = (spec.containers ?? []).map((c) => c.name);
  const init = (spec.initContainers ?? []).map((c) => c.name);
  const ephemeral = (spec.ephemeralContainers ?? []).map((c) => c.name);
  const name = pod.metadata.name ?? '';
  if (requested === null || requested === '') {
    if (containers.length === 1) return containers[0]!;
    let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
    if (init.length > 0) message += ` or one of the init containers: [${init.join(' ')}]`;
    throw badRequest(message);
  }
  if (![...containers, ...init, ...ephemeral].includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}
