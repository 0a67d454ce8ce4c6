/**
 * Nodes (core/v1): podCIDR/podCIDRs kept in step, allocatable defaulting to capacity; taints and
 * CIDRs validated, podCIDRs and providerID settable once; STATUS shows Ready / NotReady /
 * Unknown (plus SchedulingDisabled) and ROLES comes from node-role labels.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, wideColumn, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { child, duplicate, forbidden, index, invalid, notSupported, required } from '../../validation/field-errors.ts';
import { isIPv4, isIPv6, isLabelValue, isQualifiedName } from '../../validation/names.ts';

export const nodeType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Node',
  resource: 'nodes',
  singular: 'node',
  listKind: 'NodeList',
  namespaced: false,
  shortNames: ['no'],
  categories: [],
};

const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function defaultNode(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (isObject(spec)) {
    const cidrs = strings(spec.podCIDRs);
    if (cidrs.length === 0 && str(spec.podCIDR) !== '') spec.podCIDRs = [spec.podCIDR];
    else if (cidrs.length > 0) spec.podCIDR = cidrs[0];
  }
  const status: unknown = obj.status;
  if (isObject(status) && isObject(status.capacity) && !isObject(status.allocatable)) status.allocatable = { ...status.capacity };
}

/** Whether `value` is an IPv4 or IPv6 CIDR such as `10.244.1.0/24`. */
export function isCIDR(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const ip = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  if (isIPv4(ip)) return Number(bits) <= 32;
  return isIPv6(ip) && Number(bits) <= 128;
}

function validateTaints(taints: unknown, errs: FieldError[]): void {
  const seen = new Set<string>();
  objects(taints).forEach((t, i) => {
    const path = index('spec.taints', i);
    const key = str(t.key);
    for (const msg of isQualifiedName(key)) errs.push(invalid(child(path, 'key'), key, msg));
    const value = str(t.value);
    if (value !== '') for (const msg of isLabelValue(value)) errs.push(invalid(child(path, 'value'), value, msg));
    const effect = str(t.effect);
    if (effect === '') errs.push(required(child(path, 'effect')));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(notSupported(child(path, 'effect'), effect, TAINT_EFFECTS));
    const id = `${key}\u0000${effect}`;
    if (seen.has(id)) errs.push(duplicate(path, t));
    seen.add(id);
  });
}

export function validateNode(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = isObject(obj.spec) ? obj.spec : {};
  strings(spec.podCIDRs).forEach((cidr, i) => {
    if (!isCIDR(cidr)) errs.push(invalid(index('spec.podCIDRs', i), cidr, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  validateTaints(spec.taints, errs);
  return errs;
}

export function validateNodeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateNode(obj);
  const spec: JsonObject = isObject(obj.spec) ? obj.spec : {};
  const prev: JsonObject = isObject(old.spec) ? old.spec : {};
  const oldCIDRs = strings(prev.podCIDRs);
  const newCIDRs = strings(spec.podCIDRs);
  if (oldCIDRs.length > 0 && (oldCIDRs.length !== newCIDRs.length || oldCIDRs.some((c, i) => c !== newCIDRs[i]))) {
    errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (str(prev.providerID) !== '' && prev.providerID !== spec.providerID) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  const status = isObject(obj.status) ? obj.status : {};
  const addresses = new Set<string>();
  objects(status.addresses).forEach((a, i) => {
    const id = `${str(a.type)}\u0000${str(a.address)}`;
    if (addresses.has(id)) errs.push(duplicate(index('status.addresses', i), a));
    addresses.add(id);
  });
  return errs;
}

export const nodeTableColumns: readonly TableColumnSpec[] = [
  column('Status', 'string', 'The status of the node.'),
  column('Roles', 'string', 'The roles of the node.'),
  AGE_COLUMN,
  column('Version', 'string', 'The kubelet version the node reports.'),
  wideColumn('Internal-IP', 'string', 'The first internal address of the node.'),
  wideColumn('External-IP', 'string', 'The first external address of the node.'),
  wideColumn('OS-Image', 'string', 'The operating system image the node reports.'),
  wideColumn('Kernel-Version', 'string', 'The kernel version the node reports.'),
  wideColumn('Container-Runtime', 'string', 'The container runtime and version the node reports.'),
];

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

/** Roles from `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` label value. */
export function nodeRoles(labels: Readonly<Record<string, string>> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith(ROLE_LABEL_PREFIX) && k.length > ROLE_LABEL_PREFIX.length) roles.add(k.slice(ROLE_LABEL_PREFIX.length));
    else if (k === ROLE_LABEL && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

function address(status: JsonObject, type: string): string {
  return str(objects(status.addresses).find((a) => a.type === type)?.address) || '<none>';
}

export function nodeTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const info = isObject(status.nodeInfo) ? status.nodeInfo : {};
  const ready = objects(status.conditions).find((c) => c.type === 'Ready');
  const states = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (spec.unschedulable === true) states.push('SchedulingDisabled');
  return [
    states.join(','),
    nodeRoles(obj.metadata.labels).join(',') || '<none>',
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    str(info.kubeletVersion),
    address(status, 'InternalIP'),
    address(status, 'ExternalIP'),
    str(info.osImage) || '<unknown>',
    str(info.kernelVersion) || '<unknown>',
    str(info.containerRuntimeVersion) || '<unknown>',
  ];
}

export const nodeFieldSelectors: Readonly<Record<string, (obj: KubeObject) => string>> = {
  'spec.unschedulable': (o) => String(isObject(o.spec) && o.spec.unschedulable === true),
};
