/**
 * Services (core/v1): defaulting (type ClusterIP, session affinity None, TCP, targetPort =
 * port, traffic policies, IP family), keeping clusterIP/clusterIPs and allocated node ports
 * across updates that omit them, and validation (ports, types, names, immutable cluster IPs).
 */
import { isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { child, duplicate, forbidden, index, invalid, notSupported, required } from '../../validation/field-errors.ts';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isIP, isIPv6, isValidPortName, isValidPortNum, nameIsDNS1035Label } from '../../validation/names.ts';
import { validateLabels } from '../../validation/object-meta.ts';
import { PROTOCOLS } from './pod-spec-validation.ts';

export const serviceType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Service',
  resource: 'services',
  singular: 'service',
  listKind: 'ServiceList',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
};

/** Service names become DNS labels and environment variable prefixes: DNS-1035 labels. */
export const validateServiceName = nameIsDNS1035Label;

/** Sorted, as upstream lists them in messages. */
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;
const MAX_CLIENT_IP_TIMEOUT_SECONDS = 86400;

function isExternallyAccessible(spec: JsonObject): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer' || (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
}

export function defaultService(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  if (str(spec.sessionAffinity) === '') spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = isObject(spec.sessionAffinityConfig) && isObject(spec.sessionAffinityConfig.clientIP) ? spec.sessionAffinityConfig.clientIP.timeoutSeconds : undefined;
    if (timeout === undefined || timeout === null) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT_SECONDS } };
  }
  if (str(spec.type) === '') spec.type = 'ClusterIP';
  for (const port of objects(spec.ports)) {
    if (str(port.protocol) === '') port.protocol = 'TCP';
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (isExternallyAccessible(spec) && str(spec.externalTrafficPolicy) === '') spec.externalTrafficPolicy = 'Cluster';
  if ((spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) && spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    spec.allocateLoadBalancerNodePorts = true;
  }
  if (spec.type !== 'ExternalName') {
    const primary = str(spec.clusterIP);
    if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = [isIPv6(primary) ? 'IPv6' : 'IPv4'];
    if (str(spec.ipFamilyPolicy) === '') spec.ipFamilyPolicy = 'SingleStack';
  }
}

/** A new service: no status but an empty load balancer; clusterIPs follows a given clusterIP. */
export function prepareServiceForCreate(obj: KubeObject): void {
  obj.status = { loadBalancer: {} };
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  const hasIPs = Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0;
  if (str(spec.clusterIP) !== '' && !hasIPs) spec.clusterIPs = [spec.clusterIP];
  else if (str(spec.clusterIP) === '' && hasIPs && typeof spec.clusterIPs[0] === 'string') spec.clusterIP = spec.clusterIPs[0];
}

function needsClusterIP(spec: JsonObject): boolean {
  return spec.type !== 'ExternalName';
}

function needsNodePorts(spec: JsonObject): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

/**
 * An update that leaves out what the server allocated keeps it: clusterIP and clusterIPs, the
 * IP families, and each port's nodePort (matched by port name). The status is kept too.
 */
export function prepareServiceForUpdate(obj: KubeObject, old: KubeObject): void {
  obj.status = structuredClone(old.status);
  const spec: unknown = obj.spec;
  const prev: unknown = old.spec;
  if (!isObject(spec) || !isObject(prev)) return;
  dropTypeDependentFields(spec, prev);
  if (needsClusterIP(prev) && needsClusterIP(spec)) {
    const oldIPs: unknown[] = Array.isArray(prev.clusterIPs) ? prev.clusterIPs : [];
    const newIPs: unknown[] = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
    if (str(spec.clusterIP) === '' && str(prev.clusterIP) !== '') spec.clusterIP = prev.clusterIP;
    if (newIPs.length === 0 && oldIPs.length > 0 && spec.clusterIP === prev.clusterIP) spec.clusterIPs = structuredClone(prev.clusterIPs);
    if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = structuredClone(prev.ipFamilies);
    if (str(spec.ipFamilyPolicy) === '') spec.ipFamilyPolicy = prev.ipFamilyPolicy;
  }
  if (needsNodePorts(prev) && needsNodePorts(spec)) keepNodePorts(spec, prev);
}

/**
 * Gives each port the update leaves without a nodePort the one the old port of the same name had
 * (upstream matches by name: `kubectl apply` of a changed port number keeps its node port),
 * unless the update gives that node port to another port explicitly.
 */
function keepNodePorts(spec: JsonObject, prev: JsonObject): void {
  const isSet = (v: unknown): v is number => typeof v === 'number' && v !== 0;
  const byName = new Map<string, number>();
  for (const p of objects(prev.ports)) if (isSet(p.nodePort)) byName.set(str(p.name), p.nodePort);
  const claimed = new Set(objects(spec.ports).map((p) => p.nodePort).filter(isSet));
  for (const port of objects(spec.ports)) {
    if (isSet(port.nodePort)) continue;
    const kept = byName.get(str(port.name));
    if (kept !== undefined && !claimed.has(kept)) port.nodePort = kept;
  }
}

/**
 * A type change that leaves fields of the old type as they were drops them, as upstream does,
 * so `kubectl edit` of `type: NodePort` to `ClusterIP` needs no other change: the cluster IPs
 * when changing to ExternalName, the node ports when changing to a type without them.
 */
function dropTypeDependentFields(spec: JsonObject, prev: JsonObject): void {
  if (needsClusterIP(prev) && !needsClusterIP(spec)) {
    const sameIPs = JSON.stringify(spec.clusterIPs ?? null) === JSON.stringify(prev.clusterIPs ?? null) || spec.clusterIPs === undefined;
    if (sameIPs && (str(spec.clusterIP) === '' || spec.clusterIP === prev.clusterIP)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
      delete spec.ipFamilies;
      delete spec.ipFamilyPolicy;
    }
  }
  if (needsNodePorts(prev) && !needsNodePorts(spec) && spec.type !== 'LoadBalancer') {
    const oldPorts = new Set(objects(prev.ports).map((p) => p.nodePort));
    for (const port of objects(spec.ports)) if (oldPorts.has(port.nodePort)) delete port.nodePort;
  }
  if (spec.type !== 'LoadBalancer' && spec.healthCheckNodePort !== undefined && spec.healthCheckNodePort === prev.healthCheckNodePort) {
    delete spec.healthCheckNodePort;
  }
}

function validateTargetPort(value: unknown, path: string): FieldError[] {
  if (typeof value === 'number') return isValidPortNum(value).map((msg) => invalid(path, value, msg));
  if (typeof value === 'string') return isValidPortName(value).map((msg) => invalid(path, value, msg));
  if (value === undefined || value === null) return [];
  return [invalid(path, value, 'must be a port number or name')];
}

function validatePorts(spec: JsonObject, headless: boolean, errs: FieldError[]): void {
  const ports = objects(spec.ports);
  const names = new Set<string>();
  const seen = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((port, i) => {
    const path = index('spec.ports', i);
    const name = str(port.name);
    if (ports.length > 1 && name === '') errs.push(required(child(path, 'name')));
    else if (name !== '') {
      for (const msg of isDNS1123Label(name)) errs.push(invalid(child(path, 'name'), name, msg));
      if (names.has(name)) errs.push(duplicate(child(path, 'name'), name));
      names.add(name);
    }
    for (const msg of isValidPortNum(Number(port.port))) errs.push(invalid(child(path, 'port'), port.port ?? 0, msg));
    const protocol = str(port.protocol);
    if (protocol === '') errs.push(required(child(path, 'protocol')));
    else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(child(path, 'protocol'), protocol, PROTOCOLS));
    if (!headless) errs.push(...validateTargetPort(port.targetPort, child(path, 'targetPort')));
    const nodePort = typeof port.nodePort === 'number' ? port.nodePort : 0;
    if (nodePort !== 0) {
      if (spec.type === 'ClusterIP') errs.push(forbidden(child(path, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
      const nodeKey = `${protocol}/${nodePort}`;
      if (nodePorts.has(nodeKey)) errs.push(duplicate(child(path, 'nodePort'), nodePort));
      nodePorts.add(nodeKey);
    }
    const portKey = `${protocol}/${String(port.port)}`;
    if (seen.has(portKey)) errs.push(duplicate(path, { port: port.port, protocol }));
    seen.add(portKey);
  });
}

export function validateService(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs: FieldError[] = [];
  const type = str(spec.type);
  const headless = spec.clusterIP === 'None';
  if (objects(spec.ports).length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  if (type === 'ExternalName') {
    if (Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (cname === '') errs.push(required('spec.externalName'));
    else for (const msg of isDNS1123Subdomain(cname)) errs.push(invalid('spec.externalName', cname, msg));
  }
  validatePorts(spec, headless, errs);
  if (spec.selector !== undefined && spec.selector !== null) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (affinity === '') errs.push(required('spec.sessionAffinity'));
  else if (!SESSION_AFFINITIES.includes(affinity)) errs.push(notSupported('spec.sessionAffinity', affinity, SESSION_AFFINITIES));
  if (affinity === 'ClientIP' && isObject(spec.sessionAffinityConfig) && isObject(spec.sessionAffinityConfig.clientIP)) {
    const timeout: unknown = spec.sessionAffinityConfig.clientIP.timeoutSeconds;
    if (typeof timeout !== 'number' || timeout <= 0 || timeout > MAX_CLIENT_IP_TIMEOUT_SECONDS) {
      errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, inclusiveRangeError(1, MAX_CLIENT_IP_TIMEOUT_SECONDS)));
    }
  }
  const ips: unknown[] = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  ips.forEach((ip, i) => {
    const value = str(ip);
    if (i === 0 && value === 'None') return;
    if (!isIP(value)) errs.push(invalid(index('spec.clusterIPs', i), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  if (str(spec.clusterIP) !== '' && ips.length > 0 && spec.clusterIP !== ips[0]) {
    errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  }
  if (type === '') errs.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(type)) errs.push(notSupported('spec.type', type, SERVICE_TYPES));
  for (const field of ['externalTrafficPolicy', 'internalTrafficPolicy']) {
    const policy = str(spec[field]);
    if (policy !== '' && !TRAFFIC_POLICIES.includes(policy)) errs.push(notSupported(child('spec', field), policy, TRAFFIC_POLICIES));
  }
  return errs;
}

/** The cluster IPs may be set once and then only dropped or added to, unless changing to or from ExternalName. */
export function validateServiceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateService(obj);
  const spec = isObject(obj.spec) ? obj.spec : {};
  const prev = isObject(old.spec) ? old.spec : {};
  if (spec.type === 'ExternalName' || prev.type === 'ExternalName') return errs;
  const oldIPs: unknown[] = Array.isArray(prev.clusterIPs) ? prev.clusterIPs : [];
  const newIPs: unknown[] = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  if (oldIPs.length > 0 && newIPs.length === 0) {
    errs.push(invalid(index('spec.clusterIPs', 0), newIPs, 'primary clusterIP can not be unset'));
  } else {
    for (let i = 0; i < Math.min(oldIPs.length, newIPs.length); i++) {
      if (oldIPs[i] !== newIPs[i]) errs.push(invalid(index('spec.clusterIPs', i), newIPs, 'may not change once set'));
    }
  }
  return errs;
}
