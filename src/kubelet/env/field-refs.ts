/**
 * The downward API: values of a pod's own fields (`fieldRef`) and of its containers' resources
 * (`resourceFieldRef`), as env values and as downwardAPI volume files share them.
 */
import { parseQuantity } from '../../api/meta/quantity.ts';
import type { Pod } from '../api-types.ts';

/** A pod or container configuration that cannot be honoured (→ CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  override name = 'ContainerConfigError';
}

/** Addresses the downward API can report. */
export interface PodAddresses {
  readonly podIP: string;
  readonly hostIP: string;
}

function formatMap(map: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map![k])}`)
    .join('\n');
}

/** The value of `fieldPath` of `pod`, e.g. `metadata.name`, `metadata.labels['app']`, `status.podIP`. */
export function podFieldValue(pod: Pod, fieldPath: string, addresses: PodAddresses): string {
  const subscript = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (subscript !== null) {
    const map = subscript[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[subscript[2]!] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return addresses.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return addresses.hostIP;
    default:
      throw new ContainerConfigError(`unsupported fieldRef fieldPath "${fieldPath}"`);
  }
}

const NANO = 1_000_000_000n;

/**
 * The value of `resource` (`limits.cpu`, `requests.memory`, …) of container `containerName`,
 * divided by `divisor` and rounded up. A limit that is not set reports the node's allocatable
 * amount, as upstream does.
 */
export function resourceFieldValue(
  pod: Pod,
  containerName: string,
  resource: string,
  divisor: string | number | undefined,
  nodeAllocatable: Readonly<Record<string, string>>,
): string {
  const [kind, name] = resource.split('.', 2) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || name === undefined || !['cpu', 'memory', 'ephemeral-storage'].includes(name)) {
    throw new ContainerConfigError(`unsupported resourceFieldRef resource "${resource}"`);
  }
  const container = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === containerName);
  if (container === undefined) throw new ContainerConfigError(`resourceFieldRef names container "${containerName}", which the pod does not have`);
  const set = container.resources?.[kind]?.[name];
  let amount = set === undefined ? undefined : parseQuantity(String(set));
  if (amount === undefined && kind === 'limits') amount = parseQuantity(nodeAllocatable[name] ?? '0');
  amount ??= 0n;
  const div = parseQuantity(divisor === undefined || divisor === '' || divisor === 0 ? '1' : String(divisor)) ?? NANO;
  if (div <= 0n) throw new ContainerConfigError(`resourceFieldRef divisor "${divisor}" must be positive`);
  const value = (amount + div - 1n) / div;
  // The value of a cpu request of 0 is reported as 0, any other rounds up to at least 1 unit.
  return String(value);
}
