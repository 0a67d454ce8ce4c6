/**
 * The `kubectl get services` columns and row: TYPE, CLUSTER-IP, EXTERNAL-IP (external IPs, load
 * balancer ingress or `<pending>`, the external name), PORT(S) like `80/TCP,443:30443/TCP`.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, wideColumn, type TableColumnSpec } from '../../meta/table.ts';
import type { KubeObject } from '../../meta/types.ts';
import { formatLabels } from '../../labels/requirement.ts';

export const serviceTableColumns: readonly TableColumnSpec[] = [
  column('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
  column('Cluster-IP', 'string', 'The IP address of the service inside the cluster.'),
  column('External-IP', 'string', 'The addresses the service is reachable at from outside the cluster.'),
  column('Port(s)', 'string', 'The ports the service exposes (port[:nodePort]/protocol).'),
  AGE_COLUMN,
  wideColumn('Selector', 'string', 'The labels of the pods the service routes to.'),
];

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Load balancer ingress addresses (IP, else hostname), sorted and distinct. */
function loadBalancerAddresses(status: JsonObject): string[] {
  const lb = isObject(status.loadBalancer) ? status.loadBalancer : {};
  const addresses = objects(lb.ingress).map((i) => str(i.ip) || str(i.hostname)).filter((a) => a !== '');
  return [...new Set(addresses)].sort();
}

function externalIP(spec: JsonObject, status: JsonObject): string {
  const external = strings(spec.externalIPs);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(status);
      if (external.length > 0) return [...lb, ...external].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** `80/TCP,443:30443/TCP`: port, the node port when allocated, and the protocol. */
export function servicePortsString(ports: unknown): string {
  return objects(ports)
    .map((p) => {
      const nodePort = typeof p.nodePort === 'number' && p.nodePort > 0 ? `:${p.nodePort}` : '';
      return `${String(p.port ?? 0)}${nodePort}/${str(p.protocol)}`;
    })
    .join(',');
}

export function serviceTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const clusterIPs = strings(spec.clusterIPs);
  return [
    str(spec.type),
    clusterIPs[0] ?? (str(spec.clusterIP) || '<none>'),
    externalIP(spec, status),
    servicePortsString(spec.ports) || '<none>',
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    formatLabels(isObject(spec.selector) ? spec.selector : undefined),
  ];
}
