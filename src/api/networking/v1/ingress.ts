/**
 * Ingresses (networking.k8s.io/v1): HTTP routing rules from hosts and paths to service
 * backends. k8ts stores and serves them; no ingress controller acts on them. Validation follows
 * upstream: a default backend or rules, absolute paths with a path type, backends naming a
 * service port or a resource; CLASS / HOSTS / ADDRESS / PORTS columns.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { child, index, invalid, notSupported, required } from '../../validation/field-errors.ts';
import { isDNS1035Label, isDNS1123Subdomain, isIP, isValidPortName, isValidPortNum } from '../../validation/names.ts';

export const ingressType: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  resource: 'ingresses',
  singular: 'ingress',
  listKind: 'IngressList',
  namespaced: true,
  shortNames: ['ing'],
  categories: [],
};

/** The annotation older clients name an ingress class with (deprecated, still shown by kubectl). */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'];

const WILDCARD_HOST = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const WILDCARD_HOST_ERROR =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** A rule or TLS host: a DNS subdomain, or one with a leading `*.` wildcard label; never an IP. */
function validateHost(host: string, path: string): FieldError[] {
  if (isIP(host)) return [invalid(path, host, 'must be a DNS name, not an IP address')];
  if (host.startsWith('*')) return WILDCARD_HOST.test(host) && host.length <= 253 ? [] : [invalid(path, host, WILDCARD_HOST_ERROR)];
  return isDNS1123Subdomain(host).map((m) => invalid(path, host, m));
}

/** A backend: exactly one of a service (name and one of port name or number) or a resource. */
export function validateIngressBackend(backend: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const service: unknown = backend.service;
  const resource: unknown = backend.resource;
  const hasService = isObject(service);
  const hasResource = isObject(resource);
  if (hasService && hasResource) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (!hasService && !hasResource) return [invalid(path, '', 'resource or service backend is required')];
  if (hasResource || !isObject(service)) {
    if (!isObject(resource)) return errs;
    if (str(resource.kind) === '') errs.push(required(child(path, 'resource', 'kind')));
    if (str(resource.name) === '') errs.push(required(child(path, 'resource', 'name')));
    return errs;
  }
  const name = str(service.name);
  if (name === '') errs.push(required(child(path, 'service', 'name')));
  else errs.push(...isDNS1035Label(name).map((m) => invalid(child(path, 'service', 'name'), name, m)));
  const port: unknown = service.port;
  const portPath = child(path, 'service', 'port');
  const portName = isObject(port) ? str(port.name) : '';
  const portNumber: unknown = isObject(port) ? port.number : undefined;
  const hasNumber = typeof portNumber === 'number' && portNumber !== 0;
  if (portName !== '' && hasNumber) errs.push(invalid(portPath, port, 'cannot specify both port name and port number'));
  else if (portName !== '') errs.push(...isValidPortName(portName).map((m) => invalid(child(portPath, 'name'), portName, m)));
  else if (hasNumber) errs.push(...isValidPortNum(portNumber).map((m) => invalid(child(portPath, 'number'), portNumber, m)));
  else errs.push(required(portPath, 'port name or number is required'));
  return errs;
}

function validatePath(p: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const pathType: unknown = p.pathType;
  const value = str(p.path);
  if (pathType === undefined || pathType === null || pathType === '') {
    errs.push(required(child(path, 'pathType'), 'pathType must be specified'));
  } else if (typeof pathType !== 'string' || !PATH_TYPES.includes(pathType)) {
    errs.push(notSupported(child(path, 'pathType'), pathType, PATH_TYPES));
  } else if (pathType !== 'ImplementationSpecific' || value !== '') {
    if (!value.startsWith('/')) errs.push(invalid(child(path, 'path'), value, 'must be an absolute path'));
    else if (pathType !== 'ImplementationSpecific') {
      for (const bad of ['//', '/./', '/../', '%2f', '%2F']) {
        if (value.includes(bad)) errs.push(invalid(child(path, 'path'), value, `must not contain '${bad}'`));
      }
      for (const bad of ['/..', '/.']) if (value.endsWith(bad)) errs.push(invalid(child(path, 'path'), value, `cannot end with '${bad}'`));
    }
  }
  if (!isObject(p.backend)) errs.push(required(child(path, 'backend')));
  else errs.push(...validateIngressBackend(p.backend, child(path, 'backend')));
  return errs;
}

export function validateIngress(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [invalid('spec', obj.spec ?? null, 'either `defaultBackend` or `rules` must be specified')];
  const errs: FieldError[] = [];
  const rules = objects(spec.rules);
  if (!isObject(spec.defaultBackend) && rules.length === 0) {
    errs.push(invalid('spec', spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (isObject(spec.defaultBackend)) errs.push(...validateIngressBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const path = index('spec.rules', i);
    const host = str(rule.host);
    if (host !== '') errs.push(...validateHost(host, child(path, 'host')));
    if (rule.http !== undefined && rule.http !== null) {
      const paths = isObject(rule.http) ? objects(rule.http.paths) : [];
      if (paths.length === 0) errs.push(required(child(path, 'http', 'paths')));
      paths.forEach((p, j) => errs.push(...validatePath(p, index(child(path, 'http', 'paths'), j))));
    }
  });
  objects(spec.tls).forEach((tls, i) => {
    (Array.isArray(tls.hosts) ? tls.hosts : []).forEach((h: unknown, j: number) => {
      if (typeof h === 'string') errs.push(...validateHost(h, index(child(index('spec.tls', i), 'hosts'), j)));
    });
  });
  const className: unknown = spec.ingressClassName;
  if (typeof className === 'string') errs.push(...isDNS1123Subdomain(className).map((m) => invalid('spec.ingressClassName', className, m)));
  return errs;
}

export const ingressTableColumns: readonly TableColumnSpec[] = [
  column('Class', 'string', 'The name of the IngressClass resource that should be used for ingress.'),
  column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule.'),
  column('Address', 'string', 'Address is a list containing ingress points for the load-balancer.'),
  column('Ports', 'string', 'Ports of TLS configurations that open.'),
  AGE_COLUMN,
];

/** Up to three hosts, then `+ N more...`; `*` for rules without a host or no rules. */
function hostsCell(rules: readonly JsonObject[]): string {
  const hosts = rules.map((r) => str(r.host) || '*');
  if (hosts.length === 0) return '*';
  const shown = hosts.slice(0, 3).join(',');
  return hosts.length > 3 ? `${shown} + ${hosts.length - 3} more...` : shown;
}

/** The load balancer's IPs and host names, cut to 16 characters as kubectl's narrow output does. */
export function loadBalancerCell(status: unknown): string {
  const lb = isObject(status) && isObject(status.loadBalancer) ? status.loadBalancer : {};
  const text = objects(lb.ingress)
    .map((i) => str(i.ip) || str(i.hostname))
    .filter((s) => s !== '')
    .join(',');
  return text.length > 16 ? `${text.slice(0, 13)}...` : text;
}

export function ingressTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const annotated = obj.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
  const className = str(spec.ingressClassName) || annotated || '<none>';
  return [
    className,
    hostsCell(objects(spec.rules)),
    loadBalancerCell(obj.status),
    objects(spec.tls).length > 0 ? '80, 443' : '80',
    translateTimestampSince(obj.metadata.creationTimestamp, now),
  ];
}
