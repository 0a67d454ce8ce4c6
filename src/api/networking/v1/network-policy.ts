/**
 * NetworkPolicies (networking.k8s.io/v1): which traffic may reach and leave the selected pods.
 * k8ts stores and serves them; nothing enforces them. Defaults as upstream: port protocol TCP,
 * policyTypes `Ingress` (plus `Egress` when egress rules are given).
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, objects, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { parseIpv4Cidr } from '../../../util/ipv4-range.ts';
import { child, index, invalid, notSupported, required, tooMany } from '../../validation/field-errors.ts';
import { validateLabelSelector } from '../../validation/label-selector.ts';
import { isValidPortName, isValidPortNum } from '../../validation/names.ts';
import { selectorCell } from '../../apps/v1/workload.ts';

export const networkPolicyType: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  resource: 'networkpolicies',
  singular: 'networkpolicy',
  listKind: 'NetworkPolicyList',
  namespaced: true,
  shortNames: ['netpol'],
  categories: [],
};

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];

function rules(spec: JsonObject, direction: 'ingress' | 'egress'): JsonObject[] {
  return objects(spec[direction]);
}

export function defaultNetworkPolicy(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  for (const direction of ['ingress', 'egress'] as const) {
    for (const rule of rules(spec, direction)) {
      for (const port of objects(rule.ports)) if (port.protocol === undefined || port.protocol === null) port.protocol = 'TCP';
    }
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function validateCidr(value: unknown, path: string): FieldError[] {
  if (typeof value !== 'string' || value === '') return [required(path)];
  try {
    parseIpv4Cidr(value);
    return [];
  } catch {
    // IPv6 blocks are well formed too; k8ts checks only their shape.
    return /^[0-9a-fA-F:]+\/\d{1,3}$/.test(value) ? [] : [invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
  }
}

function validatePeer(peer: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let set = 0;
  if (isObject(peer.podSelector)) {
    set++;
    errs.push(...validateLabelSelector(peer.podSelector, child(path, 'podSelector')));
  }
  if (isObject(peer.namespaceSelector)) {
    set++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, child(path, 'namespaceSelector')));
  }
  if (isObject(peer.ipBlock)) {
    set++;
    const block = peer.ipBlock;
    errs.push(...validateCidr(block.cidr, child(path, 'ipBlock', 'cidr')));
    (Array.isArray(block.except) ? block.except : []).forEach((e: unknown, i: number) => errs.push(...validateCidr(e, index(child(path, 'ipBlock', 'except'), i))));
  }
  if (set === 0) errs.push(required(path, 'must specify a peer'));
  else if (isObject(peer.ipBlock) && set > 1) errs.push(invalid(path, peer, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validatePort(port: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const protocol: unknown = port.protocol;
  if (protocol !== undefined && protocol !== null && (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol))) {
    errs.push(notSupported(child(path, 'protocol'), protocol, PROTOCOLS));
  }
  const value: unknown = port.port;
  if (typeof value === 'number') errs.push(...isValidPortNum(value).map((m) => invalid(child(path, 'port'), value, m)));
  else if (typeof value === 'string') errs.push(...isValidPortName(value).map((m) => invalid(child(path, 'port'), value, m)));
  const endPort: unknown = port.endPort;
  if (endPort !== undefined && endPort !== null) {
    if (typeof value !== 'number') errs.push(required(child(path, 'port'), 'must be specified when endPort is specified'));
    else if (typeof endPort === 'number' && endPort < value) errs.push(invalid(child(path, 'endPort'), endPort, 'must be greater than or equal to `port`'));
  }
  return errs;
}

export function validateNetworkPolicy(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs: FieldError[] = [];
  if (isObject(spec.podSelector)) errs.push(...validateLabelSelector(spec.podSelector, 'spec.podSelector'));
  for (const [direction, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    rules(spec, direction).forEach((rule, i) => {
      const path = index(`spec.${direction}`, i);
      objects(rule.ports).forEach((p, j) => errs.push(...validatePort(p, index(child(path, 'ports'), j))));
      objects(rule[peers]).forEach((p, j) => errs.push(...validatePeer(p, index(child(path, peers), j))));
    });
  }
  const types: unknown[] = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  types.forEach((t, i) => {
    if (typeof t !== 'string' || !POLICY_TYPES.includes(t)) errs.push(notSupported(index('spec.policyTypes', i), t, POLICY_TYPES));
  });
  if (types.length > POLICY_TYPES.length) errs.push(tooMany('spec.policyTypes', types.length, POLICY_TYPES.length));
  return errs;
}

export const networkPolicyTableColumns: readonly TableColumnSpec[] = [
  column('Pod-Selector', 'string', 'Selects the pods to which this NetworkPolicy object applies.'),
  AGE_COLUMN,
];

export function networkPolicyTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  return [selectorCell(spec.podSelector), translateTimestampSince(obj.metadata.creationTimestamp, now)];
}

