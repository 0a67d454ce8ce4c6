/**
 * Registering a Node and posting its status. Registration creates the node with its status;
 * a node that exists already (the kubelet restarted, or another agent registered it earlier)
 * keeps its taints and spec, gets the kubelet's labels added and its pod CIDR set if it had none.
 * Status goes through `nodes/<name>/status` as a strategic merge patch, so conditions other
 * components set (merged by type) survive.
 */
import { nodeType } from '../../api/core/v1/node.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { isAlreadyExists, type Clientset } from '../../client/index.ts';
import { conditionsOf, newNodeObject, nodeLabels, nodeStatus, type NodeConfig } from './node-object.ts';

/** Creates the node, or brings an existing one in line; returns the node as stored. */
export async function registerNode(clientset: Clientset, config: NodeConfig, now: Date, signal?: AbortSignal): Promise<KubeObject> {
  const nodes = clientset.resource(nodeType);
  const opts = signal === undefined ? {} : { signal };
  try {
    return await nodes.create(newNodeObject(config, now), opts);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  const existing = await nodes.get(config.name, opts);
  const patch: Record<string, unknown> = { metadata: { labels: nodeLabels(config) } };
  const spec = (existing.spec ?? {}) as { podCIDR?: string };
  if (spec.podCIDR === undefined || spec.podCIDR === '') patch['spec'] = { podCIDR: config.podCIDR, podCIDRs: [config.podCIDR] };
  await nodes.patch(config.name, patch, { type: 'strategic', ...opts });
  return postNodeStatus(clientset, config, now, existing, signal);
}

/** Posts the node's status at `now` (transition times carried over from `previous`). */
export function postNodeStatus(clientset: Clientset, config: NodeConfig, now: Date, previous: KubeObject | undefined, signal?: AbortSignal): Promise<KubeObject> {
  return clientset
    .resource(nodeType)
    .patch(config.name, { status: nodeStatus(config, now, conditionsOf(previous)) }, { type: 'strategic', subresource: 'status', ...(signal ? { signal } : {}) });
}
