/**
 * Endpoints (core/v1): the addresses and ports behind a service. Ports default to TCP; each
 * subset needs addresses, valid IPs and port numbers; the ENDPOINTS column lists up to three
 * `ip:port` pairs.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { objects, str, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { child, index, invalid, notSupported, required } from '../../validation/field-errors.ts';
import { isDNS1123Label, isDNS1123Subdomain, isIP, isIPv6, isValidPortNum } from '../../validation/names.ts';
import { PROTOCOLS } from './pod-spec-validation.ts';

export const endpointsType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  resource: 'endpoints',
  singular: 'endpoints',
  listKind: 'EndpointsList',
  namespaced: true,
  shortNames: ['ep'],
  categories: [],
};

export function defaultEndpoints(obj: KubeObject): void {
  for (const subset of objects(obj.subsets)) {
    for (const port of objects(subset.ports)) if (str(port.protocol) === '') port.protocol = 'TCP';
  }
}

function validateAddress(addr: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ip = str(addr.ip);
  if (!isIP(ip)) errs.push(invalid(child(path, 'ip'), addr.ip ?? '', 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  const hostname = str(addr.hostname);
  if (hostname !== '') for (const msg of isDNS1123Label(hostname)) errs.push(invalid(child(path, 'hostname'), hostname, msg));
  const nodeName = str(addr.nodeName);
  if (nodeName !== '') for (const msg of isDNS1123Subdomain(nodeName)) errs.push(invalid(child(path, 'nodeName'), nodeName, msg));
  return errs;
}

export function validateEndpoints(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  objects(obj.subsets).forEach((subset, i) => {
    const path = index('subsets', i);
    const addresses = objects(subset.addresses);
    const notReady = objects(subset.notReadyAddresses);
    if (addresses.length === 0 && notReady.length === 0) errs.push(required(path, 'must specify `addresses` or `notReadyAddresses`'));
    addresses.forEach((a, j) => errs.push(...validateAddress(a, index(child(path, 'addresses'), j))));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, index(child(path, 'notReadyAddresses'), j))));
    const ports = objects(subset.ports);
    ports.forEach((port, j) => {
      const p = index(child(path, 'ports'), j);
      const name = str(port.name);
      if (ports.length > 1 && name === '') errs.push(required(child(p, 'name')));
      else if (name !== '') for (const msg of isDNS1123Label(name)) errs.push(invalid(child(p, 'name'), name, msg));
      for (const msg of isValidPortNum(Number(port.port))) errs.push(invalid(child(p, 'port'), port.port ?? 0, msg));
      const protocol = str(port.protocol);
      if (protocol === '') errs.push(required(child(p, 'protocol')));
      else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(child(p, 'protocol'), protocol, PROTOCOLS));
    });
  });
  return errs;
}

export const endpointsTableColumns: readonly TableColumnSpec[] = [
  column('Endpoints', 'string', 'The addresses and ports of the endpoints (up to three shown).'),
  AGE_COLUMN,
];

const SHOWN = 3;

function hostPort(ip: string, port: number): string {
  return isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** `10.0.0.1:80,10.0.0.2:80 + 3 more...`, or `<none>` when there are no subsets. */
export function formatEndpoints(obj: KubeObject): string {
  const subsets = objects(obj.subsets);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let total = 0;
  for (const subset of subsets) {
    const addresses = objects(subset.addresses).map((a) => str(a.ip));
    const ports = objects(subset.ports);
    if (ports.length === 0) {
      total += addresses.length;
      for (const ip of addresses) if (list.length < SHOWN) list.push(ip);
      continue;
    }
    for (const port of ports) {
      total += addresses.length;
      for (const ip of addresses) if (list.length < SHOWN) list.push(hostPort(ip, Number(port.port)));
    }
  }
  const joined = list.join(',');
  return total > SHOWN ? `${joined} + ${total - SHOWN} more...` : joined;
}

export function endpointsTableRow(obj: KubeObject, now: Date): unknown[] {
  return [formatEndpoints(obj), translateTimestampSince(obj.metadata.creationTimestamp, now)];
}
