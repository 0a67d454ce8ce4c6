/**
 * Validation of PodSpec and pod templates, with upstream's paths and messages: containers
 * (names, images, ports, env, mounts), volumes, restart and DNS policy, node selector,
 * tolerations and the numeric limits.
 */
import { asArray, isObject, num, str, type JsonObject } from '../../meta/shape.ts';
import type { FieldError } from '../../meta/types.ts';
import { child, duplicate, forbidden, index, invalid, notFound, notSupported, required } from '../../validation/field-errors.ts';
import {
  inclusiveRangeError,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isLabelValue,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
} from '../../validation/names.ts';
import { validateAnnotations, validateLabels } from '../../validation/object-meta.ts';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
/** Sorted, as upstream lists them in messages. */
export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];
const MAX_INT32 = 2147483647;

/** Checks a list field's type; returns its object elements with their positions. */
function listOf(value: unknown, path: string, errs: FieldError[]): Array<[JsonObject, number]> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errs.push(invalid(path, value, 'must be a list'));
    return [];
  }
  const out: Array<[JsonObject, number]> = [];
  value.forEach((v, i) => {
    if (isObject(v)) out.push([v, i]);
    else errs.push(invalid(index(path, i), v, 'must be an object'));
  });
  return out;
}

function validatePorts(ports: unknown, path: string, names: Set<string>, errs: FieldError[]): void {
  for (const [port, i] of listOf(ports, path, errs)) {
    const p = index(path, i);
    const name = str(port.name);
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const msg of msgs) errs.push(invalid(child(p, 'name'), name, msg));
      else if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    if (port.containerPort === undefined || port.containerPort === 0) errs.push(required(child(p, 'containerPort')));
    else for (const msg of isValidPortNum(Number(port.containerPort))) errs.push(invalid(child(p, 'containerPort'), port.containerPort, msg));
    if (port.hostPort !== undefined && port.hostPort !== 0) {
      for (const msg of isValidPortNum(Number(port.hostPort))) errs.push(invalid(child(p, 'hostPort'), port.hostPort, msg));
    }
    const protocol = str(port.protocol);
    if (protocol === '') errs.push(required(child(p, 'protocol')));
    else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(child(p, 'protocol'), protocol, PROTOCOLS));
  }
}

function validateEnv(env: unknown, path: string, errs: FieldError[]): void {
  for (const [e, i] of listOf(env, path, errs)) {
    const p = index(path, i);
    const name = str(e.name);
    if (name === '') errs.push(required(child(p, 'name')));
    else for (const msg of isEnvVarName(name)) errs.push(invalid(child(p, 'name'), name, msg));
    if (e.valueFrom !== undefined && e.valueFrom !== null && str(e.value) !== '') {
      errs.push(invalid(child(p, 'valueFrom'), '', 'may not be specified when `value` is not empty'));
    }
  }
}

function validateVolumeMounts(mounts: unknown, path: string, volumes: ReadonlySet<string>, errs: FieldError[]): void {
  for (const [m, i] of listOf(mounts, path, errs)) {
    const p = index(path, i);
    const name = str(m.name);
    if (name === '') errs.push(required(child(p, 'name')));
    else if (!volumes.has(name)) errs.push(notFound(child(p, 'name'), name));
    if (str(m.mountPath) === '') errs.push(required(child(p, 'mountPath')));
  }
}

interface ContainerContext {
  readonly names: Set<string>;
  readonly portNames: Set<string>;
  readonly volumes: ReadonlySet<string>;
}

function validateContainers(list: unknown, path: string, ctx: ContainerContext, errs: FieldError[]): void {
  for (const [c, i] of listOf(list, path, errs)) {
    const p = index(path, i);
    const name = str(c.name);
    if (name === '') errs.push(required(child(p, 'name')));
    else {
      for (const msg of isDNS1123Label(name)) errs.push(invalid(child(p, 'name'), name, msg));
      if (ctx.names.has(name)) errs.push(duplicate(child(p, 'name'), name));
      ctx.names.add(name);
    }
    const image = c.image;
    if (image === undefined || image === null || image === '') errs.push(required(child(p, 'image')));
    else if (typeof image !== 'string') errs.push(invalid(child(p, 'image'), image, 'must be a string'));
    else if (image.trim() !== image) errs.push(invalid(child(p, 'image'), image, 'must not have leading or trailing whitespace'));
    const pull = str(c.imagePullPolicy);
    if (pull !== '' && !PULL_POLICIES.includes(pull)) errs.push(notSupported(child(p, 'imagePullPolicy'), pull, PULL_POLICIES));
    const tmp = str(c.terminationMessagePolicy);
    if (tmp !== '' && !TERMINATION_MESSAGE_POLICIES.includes(tmp)) {
      errs.push(notSupported(child(p, 'terminationMessagePolicy'), tmp, TERMINATION_MESSAGE_POLICIES));
    }
    for (const field of ['command', 'args']) {
      if (c[field] !== undefined && c[field] !== null && !(Array.isArray(c[field]) && c[field].every((a: unknown) => typeof a === 'string'))) {
        errs.push(invalid(child(p, field), c[field], 'must be a list of strings'));
      }
    }
    validatePorts(c.ports, child(p, 'ports'), ctx.portNames, errs);
    validateEnv(c.env, child(p, 'env'), errs);
    validateVolumeMounts(c.volumeMounts, child(p, 'volumeMounts'), ctx.volumes, errs);
  }
}

function validateVolumes(volumes: unknown, path: string, errs: FieldError[]): Set<string> {
  const names = new Set<string>();
  for (const [v, i] of listOf(volumes, path, errs)) {
    const p = index(path, i);
    const name = str(v.name);
    if (name === '') errs.push(required(child(p, 'name')));
    else {
      for (const msg of isDNS1123Label(name)) errs.push(invalid(child(p, 'name'), name, msg));
      if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
    if (sources.length > 1) errs.push(forbidden(child(p, sources[1]!), 'may not specify more than 1 volume type'));
  }
  return names;
}

function validateTolerations(tolerations: unknown, path: string, errs: FieldError[]): void {
  for (const [t, i] of listOf(tolerations, path, errs)) {
    const p = index(path, i);
    const key = str(t.key);
    const operator = str(t.operator) || 'Equal';
    if (key !== '') for (const msg of isQualifiedName(key)) errs.push(invalid(child(p, 'key'), key, msg));
    if (key === '' && operator !== 'Exists') {
      errs.push(invalid(child(p, 'operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (operator === 'Equal') {
      for (const msg of isLabelValue(str(t.value))) errs.push(invalid(child(p, 'value'), t.value, msg));
    } else if (operator === 'Exists') {
      if (str(t.value) !== '') errs.push(invalid(child(p, 'operator'), t, 'value must be empty when `operator` is \'Exists\''));
    } else {
      errs.push(notSupported(child(p, 'operator'), operator, ['Equal', 'Exists']));
    }
    const effect = str(t.effect);
    if (effect !== '' && !TAINT_EFFECTS.includes(effect)) errs.push(notSupported(child(p, 'effect'), effect, TAINT_EFFECTS));
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(invalid(child(p, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
  }
}

/** Validates a PodSpec at `path` (`spec` for pods, `spec.template.spec` for templates). */
export function validatePodSpec(spec: unknown, path: string): FieldError[] {
  if (spec === undefined || spec === null) return [required(path)];
  if (!isObject(spec)) return [invalid(path, spec, 'must be an object')];
  const errs: FieldError[] = [];
  const volumes = validateVolumes(spec.volumes, child(path, 'volumes'), errs);
  const ctx: ContainerContext = { names: new Set(), portNames: new Set(), volumes };
  const containers: unknown = spec.containers;
  if (containers === undefined || containers === null || (Array.isArray(containers) && containers.length === 0)) {
    errs.push(required(child(path, 'containers')));
  }
  validateContainers(spec.containers, child(path, 'containers'), ctx, errs);
  validateContainers(spec.initContainers, child(path, 'initContainers'), { ...ctx, portNames: new Set() }, errs);

  const restart = str(spec.restartPolicy);
  if (restart === '') errs.push(required(child(path, 'restartPolicy')));
  else if (!(RESTART_POLICIES as readonly string[]).includes(restart)) errs.push(notSupported(child(path, 'restartPolicy'), restart, RESTART_POLICIES));
  const dns = str(spec.dnsPolicy);
  if (dns !== '' && !DNS_POLICIES.includes(dns)) errs.push(notSupported(child(path, 'dnsPolicy'), dns, DNS_POLICIES));

  if (spec.nodeSelector !== undefined && spec.nodeSelector !== null && !isObject(spec.nodeSelector)) {
    errs.push(invalid(child(path, 'nodeSelector'), spec.nodeSelector, 'must be a map of strings'));
  } else {
    errs.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  }
  for (const field of ['serviceAccountName', 'nodeName']) {
    const value = str(spec[field]);
    if (value !== '') for (const msg of isDNS1123Subdomain(value)) errs.push(invalid(child(path, field), value, msg));
  }
  for (const field of ['hostname', 'subdomain']) {
    const value = str(spec[field]);
    if (value !== '') for (const msg of isDNS1123Label(value)) errs.push(invalid(child(path, field), value, msg));
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    const v = num(spec.activeDeadlineSeconds);
    if (v === undefined || v < 1 || v > MAX_INT32) errs.push(invalid(child(path, 'activeDeadlineSeconds'), spec.activeDeadlineSeconds, inclusiveRangeError(1, MAX_INT32)));
  }
  validateTolerations(spec.tolerations, child(path, 'tolerations'), errs);
  return errs;
}

/** Validates a PodTemplateSpec at `path`: template labels and annotations, then its PodSpec. */
export function validatePodTemplate(template: unknown, path: string): FieldError[] {
  if (template === undefined || template === null) return [required(path)];
  if (!isObject(template)) return [invalid(path, template, 'must be an object')];
  const meta = isObject(template.metadata) ? template.metadata : {};
  const errs: FieldError[] = [];
  errs.push(...validateLabels(meta.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  errs.push(...validatePodSpec(template.spec, child(path, 'spec')));
  if (isObject(template.spec) && asArray(template.spec.ephemeralContainers).length > 0) {
    errs.push(forbidden(child(path, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
