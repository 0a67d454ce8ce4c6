/**
 * Pods from a workload's pod template: the template's labels, annotations, finalizers and spec,
 * a controller reference to the workload, and a name (given, or generated from a prefix).
 */
import { isObject } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import { newControllerRef } from './owner-refs.ts';

/** The template's metadata and spec (empty objects when absent). */
export function templateParts(template: unknown): { metadata: Record<string, any>; spec: Record<string, any> } {
  const t = isObject(template) ? template : {};
  return { metadata: isObject(t.metadata) ? t.metadata : {}, spec: isObject(t.spec) ? t.spec : {} };
}

/** How the pod is named and what it gets beyond the template. */
export interface PodNaming {
  /** An exact name (stateful sets); otherwise `generateName` is used. */
  readonly name?: string;
  readonly generateName?: string;
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** Applied to a copy of the template's spec (e.g. hostname, node affinity). */
  readonly mutateSpec?: (spec: Record<string, any>) => void;
}

/** A new pod for `owner` from `template`; see the file comment. */
export function podFromTemplate(template: unknown, owner: KubeObject, ownerType: ResourceType, naming: PodNaming): KubeObject {
  const { metadata, spec } = templateParts(template);
  const podSpec = structuredClone(spec);
  naming.mutateSpec?.(podSpec);
  const labels = { ...(isObject(metadata.labels) ? metadata.labels : {}), ...naming.extraLabels };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(naming.name !== undefined ? { name: naming.name } : { generateName: naming.generateName ?? `${owner.metadata.name}-` }),
      namespace: owner.metadata.namespace,
      labels,
      ...(isObject(metadata.annotations) ? { annotations: { ...metadata.annotations } } : {}),
      ...(Array.isArray(metadata.finalizers) ? { finalizers: [...(metadata.finalizers as string[])] } : {}),
      ownerReferences: [newControllerRef(owner, ownerType)],
    },
    spec: podSpec,
  };
}
