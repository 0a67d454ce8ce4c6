/**
 * EndpointSlices (discovery.k8s.io/v1): a slice of a service's endpoints of one address type.
 * Addresses must fit the type, ports be named uniquely, the address type never changes;
 * ADDRESSTYPE, PORTS and ENDPOINTS columns show up to three entries each.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { objects, str, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { FIELD_IMMUTABLE, child, duplicate, index, invalid, notSupported, required, tooMany } from '../../validation/field-errors.ts';
import { PROTOCOLS } from '../../core/v1/pod-spec-validation.ts';
import { isDNS1123Label, isDNS1123Subdomain, isIPv4, isIPv6, isValidPortNum } from '../../validation/names.ts';

export const endpointSliceType: ResourceType = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  resource: 'endpointslices',
  singular: 'endpointslice',
  listKind: 'EndpointSliceList',
  namespaced: true,
  shortNames: [],
  categories: [],
};

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;

export function defaultEndpointSlice(obj: KubeObject): void {
  for (const port of objects(obj.ports)) {
    if (str(port.protocol) === '') port.protocol = 'TCP';
    if (port.name === undefined || port.name === null) port.name = '';
  }
}

function addressErrors(type: string, address: string): string[] {
  switch (type) {
    case 'IPv4':
      return isIPv4(address) ? [] : ['must be a valid IPv4 address'];
    case 'IPv6':
      return isIPv6(address) ? [] : ['must be a valid IPv6 address'];
    case 'FQDN':
      return isDNS1123Subdomain(address);
    default:
      return [];
  }
}

function validateEndpoint(ep: JsonObject, type: string, path: string, errs: FieldError[]): void {
  const addresses: unknown[] = Array.isArray(ep.addresses) ? ep.addresses : [];
  if (addresses.length === 0) errs.push(required(child(path, 'addresses'), 'must contain at least 1 address'));
  else if (addresses.length > MAX_ADDRESSES) errs.push(tooMany(child(path, 'addresses'), addresses.length, MAX_ADDRESSES));
  addresses.forEach((a, i) => {
    for (const msg of addressErrors(type, str(a))) errs.push(invalid(index(child(path, 'addresses'), i), a, msg));
  });
  const nodeName = str(ep.nodeName);
  if (nodeName !== '') for (const msg of isDNS1123Subdomain(nodeName)) errs.push(invalid(child(path, 'nodeName'), nodeName, msg));
  const hostname = str(ep.hostname);
  if (hostname !== '') for (const msg of isDNS1123Label(hostname)) errs.push(invalid(child(path, 'hostname'), hostname, msg));
}

export function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(obj.addressType);
  if (type === '') errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(notSupported('addressType', type, ADDRESS_TYPES));
  const endpoints = objects(obj.endpoints);
  if (endpoints.length > MAX_ENDPOINTS) errs.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  endpoints.forEach((ep, i) => validateEndpoint(ep, type, index('endpoints', i), errs));
  const ports = objects(obj.ports);
  if (ports.length > MAX_PORTS) errs.push(tooMany('ports', ports.length, MAX_PORTS));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const path = index('ports', i);
    const name = str(port.name);
    if (name !== '') for (const msg of isDNS1123Label(name)) errs.push(invalid(child(path, 'name'), name, msg));
    if (names.has(name)) errs.push(duplicate(child(path, 'name'), name));
    names.add(name);
    const protocol = str(port.protocol);
    if (protocol === '') errs.push(required(child(path, 'protocol')));
    else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(child(path, 'protocol'), protocol, PROTOCOLS));
    if (port.port !== undefined && port.port !== null) {
      for (const msg of isValidPortNum(Number(port.port))) errs.push(invalid(child(path, 'port'), port.port, msg));
    }
  });
  return errs;
}

export function validateEndpointSliceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateEndpointSlice(obj);
  if (str(obj.addressType) !== str(old.addressType)) errs.push(invalid('addressType', obj.addressType ?? '', FIELD_IMMUTABLE));
  return errs;
}

export const endpointSliceTableColumns: readonly TableColumnSpec[] = [
  column('AddressType', 'string', 'The type of the addresses in this slice: IPv4, IPv6 or FQDN.'),
  column('Ports', 'string', 'The ports of the endpoints (up to three shown).'),
  column('Endpoints', 'string', 'The addresses of the endpoints (up to three shown).'),
  AGE_COLUMN,
];

const SHOWN = 3;

/** Up to three entries comma-joined, `+ N more...` after them, `<unset>` for none. */
function listCell(all: readonly string[]): string {
  const joined = all.slice(0, SHOWN).join(',');
  if (all.length > SHOWN) return `${joined} + ${all.length - SHOWN} more...`;
  return joined === '' ? '<unset>' : joined;
}

export function endpointSliceTableRow(obj: KubeObject, now: Date): unknown[] {
  const ports = objects(obj.ports).map((p) => (typeof p.port === 'number' ? String(p.port) : str(p.name) || '*'));
  const addresses = objects(obj.endpoints).flatMap((ep) => (Array.isArray(ep.addresses) ? ep.addresses.map((a: unknown) => str(a)) : []));
  return [str(obj.addressType), listCell(ports), listCell(addresses), translateTimestampSince(obj.metadata.creationTimestamp, now)];
}
