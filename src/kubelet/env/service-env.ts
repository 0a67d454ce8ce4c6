/**
 * The Docker-links-style variables every container gets for the Services it can see, as
 * Kubernetes sets them: the `kubernetes` Service of namespace `default` always, and every Service
 * of the pod's own namespace unless the pod sets `enableServiceLinks: false`. Headless services
 * (clusterIP `None`) and services without a ClusterIP get none.
 *
 *   WEB_SERVICE_HOST=127.11.1.20   WEB_SERVICE_PORT=80   WEB_SERVICE_PORT_HTTP=80
 *   WEB_PORT=tcp://127.11.1.20:80  WEB_PORT_80_TCP=tcp://127.11.1.20:80
 *   WEB_PORT_80_TCP_PROTO=tcp      WEB_PORT_80_TCP_PORT=80   WEB_PORT_80_TCP_ADDR=127.11.1.20
 */
import type { KubeObject } from '../../api/meta/types.ts';

interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly protocol?: string;
}

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/** The variables of one service (empty when it has no ClusterIP). */
export function serviceEnvVars(service: KubeObject): Array<[string, string]> {
  const spec = (service.spec ?? {}) as { clusterIP?: string; ports?: ServicePort[] };
  const ip = spec.clusterIP ?? '';
  if (ip === '' || ip === 'None') return [];
  const ports = spec.ports ?? [];
  const first = ports[0];
  if (first === undefined) return [];
  const prefix = envName(service.metadata.name ?? '');
  const host = ip.includes(':') ? `[${ip}]` : ip;
  const vars: Array<[string, string]> = [
    [`${prefix}_SERVICE_HOST`, ip],
    [`${prefix}_SERVICE_PORT`, String(first.port)],
  ];
  for (const p of ports) if (p.name !== undefined && p.name !== '') vars.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  vars.push([`${prefix}_PORT`, `${(first.protocol ?? 'TCP').toLowerCase()}://${host}:${first.port}`]);
  for (const p of ports) {
    const proto = (p.protocol ?? 'TCP').toUpperCase();
    const base = `${prefix}_PORT_${p.port}_${proto}`;
    vars.push(
      [base, `${proto.toLowerCase()}://${host}:${p.port}`],
      [`${base}_PROTO`, proto.toLowerCase()],
      [`${base}_PORT`, String(p.port)],
      [`${base}_ADDR`, ip],
    );
  }
  return vars;
}

/**
 * The service variables a pod in `namespace` sees. `services` may hold services of any
 * namespace (those of other namespaces are skipped, except `default/kubernetes`).
 */
export function serviceEnvironment(namespace: string, enableServiceLinks: boolean, services: readonly KubeObject[]): Map<string, string> {
  const env = new Map<string, string>();
  // Services of the pod's namespace first, so `default/kubernetes` wins when both define a name.
  const sorted = [...services].sort((a, b) => Number(isMasterService(a)) - Number(isMasterService(b)));
  for (const svc of sorted) {
    const ownNamespace = svc.metadata.namespace === namespace;
    if (!isMasterService(svc) && !(ownNamespace && enableServiceLinks)) continue;
    for (const [k, v] of serviceEnvVars(svc)) env.set(k, v);
  }
  return env;
}

/**
 * The URL pods reach the apiserver at: the `kubernetes` Service of namespace `default` (what
 * KUBERNETES_SERVICE_HOST and _PORT name), or undefined before it is known.
 */
export function inClusterApiServer(services: readonly KubeObject[]): string | undefined {
  const svc = services.find(isMasterService);
  if (svc === undefined) return undefined;
  const vars = new Map(serviceEnvVars(svc));
  const host = vars.get('KUBERNETES_SERVICE_HOST');
  const port = vars.get('KUBERNETES_SERVICE_PORT');
  if (host === undefined || port === undefined) return undefined;
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function isMasterService(svc: KubeObject): boolean {
  return svc.metadata.namespace === 'default' && svc.metadata.name === 'kubernetes';
}
