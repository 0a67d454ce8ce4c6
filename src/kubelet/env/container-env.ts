/**
 * A container's environment and its command line, as Kubernetes builds them:
 *
 *   1. the base: variables the runtime provides (PATH, HOME, HOSTNAME, POD_IP, volume
 *      directories) and the Service variables (service-env.ts) — the lowest precedence;
 *   2. `envFrom` sources in order (ConfigMaps and Secrets, keys optionally prefixed);
 *   3. `env` in order, each value `$(VAR)`-expanded against everything defined before it;
 *
 * then `command` and `args` are `$(VAR)`-expanded against the result. A missing ConfigMap,
 * Secret or key that is not optional is a ContainerConfigError (the container waits with
 * reason CreateContainerConfigError, as upstream).
 */
import type { KubeObject } from '../../api/meta/types.ts';
import type { Container, Pod } from '../api-types.ts';
import { configEntries, type ConfigSource } from './config-source.ts';
import { expandVariables } from './expansion.ts';
import { ContainerConfigError, podFieldValue, resourceFieldValue, type PodAddresses } from './field-refs.ts';
import { serviceEnvironment } from './service-env.ts';

export interface ContainerEnvInput {
  readonly pod: Pod;
  readonly container: Container;
  readonly addresses: PodAddresses;
  /** Services visible to the pod (any namespace; see serviceEnvironment). */
  readonly services: readonly KubeObject[];
  readonly config: ConfigSource;
  /** The node's allocatable resources, for resourceFieldRef of limits that are not set. */
  readonly nodeAllocatable: Readonly<Record<string, string>>;
  /** Variables the runtime provides, in the base layer. */
  readonly runtimeEnv: ReadonlyMap<string, string>;
}

export interface ContainerLaunch {
  readonly env: Map<string, string>;
  /** The expanded `command` followed by the expanded `args` (empty when the container has no command). */
  readonly argv: string[];
}

/** C identifier rules, which upstream applies to names imported through envFrom. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

async function lookup(config: ConfigSource, kind: 'configmap' | 'secret', namespace: string, name: string): Promise<KubeObject | undefined> {
  return kind === 'configmap' ? config.configMap(namespace, name) : config.secret(namespace, name);
}

function notFound(kind: 'configmap' | 'secret', name: string): ContainerConfigError {
  return new ContainerConfigError(`${kind} "${name}" not found`);
}

async function keyValue(
  config: ConfigSource,
  kind: 'configmap' | 'secret',
  namespace: string,
  ref: { readonly name: string; readonly key: string; readonly optional?: boolean },
): Promise<string | undefined> {
  const obj = await lookup(config, kind, namespace, ref.name);
  if (obj === undefined) {
    if (ref.optional === true) return undefined;
    throw notFound(kind, ref.name);
  }
  const value = configEntries(kind, obj).get(ref.key);
  if (value === undefined) {
    if (ref.optional === true) return undefined;
    throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${namespace}/${ref.name}`);
  }
  return value.toString('utf8');
}

/** Builds the container's environment and argv; see the file comment. */
export async function buildContainerLaunch(input: ContainerEnvInput): Promise<ContainerLaunch> {
  const { pod, container, config } = input;
  const namespace = pod.metadata.namespace ?? 'default';
  const env = new Map<string, string>(input.runtimeEnv);
  for (const [k, v] of serviceEnvironment(namespace, pod.spec.enableServiceLinks !== false, input.services)) env.set(k, v);

  for (const source of container.envFrom ?? []) {
    const kind = source.configMapRef !== undefined ? 'configmap' : source.secretRef !== undefined ? 'secret' : undefined;
    const ref = source.configMapRef ?? source.secretRef;
    if (kind === undefined || ref === undefined) continue;
    const obj = await lookup(config, kind, namespace, ref.name);
    if (obj === undefined) {
      if (ref.optional === true) continue;
      throw notFound(kind, ref.name);
    }
    for (const [key, value] of configEntries(kind, obj)) {
      const name = `${source.prefix ?? ''}${key}`;
      if (ENV_NAME.test(name)) env.set(name, value.toString('utf8'));
    }
  }

  for (const v of container.env ?? []) {
    const from = v.valueFrom;
    let value: string | undefined;
    if (from === undefined) value = expandVariables(v.value ?? '', (name) => env.get(name));
    else if (from.fieldRef !== undefined) value = podFieldValue(pod, from.fieldRef.fieldPath, input.addresses);
    else if (from.resourceFieldRef !== undefined) {
      const r = from.resourceFieldRef;
      value = resourceFieldValue(pod, r.containerName || container.name, r.resource, r.divisor, input.nodeAllocatable);
    } else if (from.configMapKeyRef !== undefined) value = await keyValue(config, 'configmap', namespace, from.configMapKeyRef);
    else if (from.secretKeyRef !== undefined) value = await keyValue(config, 'secret', namespace, from.secretKeyRef);
    if (value !== undefined) env.set(v.name, value);
  }

  const expand = (s: string): string => expandVariables(s, (name) => env.get(name));
  const argv = (container.command ?? []).length === 0 ? [] : [...(container.command ?? []), ...(container.args ?? [])].map(expand);
  return { env, argv };
}
