/**
 * Where the apiserver's connection subresources lead, as upstream resolves them:
 *
 *   pods/<[scheme:]name[:port]>/proxy      the pod IP (port: the given one, a named container
 *                                          port, else the first container port, else 80/443)
 *   services/<[scheme:]name[:port]>/proxy  a random ready endpoint of the service port (by
 *                                          port name or number; its EndpointSlices, or its
 *                                          Endpoints object when it has no slices)
 *   nodes/<[scheme:]name[:port]>/proxy     the node's kubelet (https, the kubelet client
 *                                          certificate: kubelet-connection.ts), or another port
 *                                          of the node
 *
 * Failures are Status errors: 400 for a malformed name or a pod without an IP or node, 404 for
 * an unknown object, 503 when nothing can take the request (no endpoints, no kubelet address).
 */
import { backendsFromEndpoints, backendsFromSlices, SERVICE_NAME_LABEL, type ServiceBackend } from '../../api/discovery/v1/service-backends.ts';
import { isObject, objects, str } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { ApiError, badRequest, serviceUnavailable } from '../errors.ts';
import type { ApiRegistry } from '../registry/api-registry.ts';
import type { GenericStore } from '../registry/generic-store.ts';
import { parseListOptions } from '../registry/list-options.ts';
import { kubeletBaseUrl, type KubeletClientConfig } from '../kubelet-connection.ts';

/** A place to send a proxied request. */
export interface ProxyTarget {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  /** The path prefix on the target that the proxied path is appended to ('' for pods and services). */
  readonly pathPrefix: string;
  /**
   * TLS for https targets: `verify` (the kubelet: checked against the CA, with the client
   * certificate) or `insecure` (pods and services serve certificates of their own, unverifiable
   * here, as upstream's proxy transport does not verify them either).
   */
  readonly tls: { readonly mode: 'verify'; readonly client: KubeletClientConfig } | { readonly mode: 'insecure' } | undefined;
}

/** Splits `name`, `name:port` or `scheme:name:port` (scheme http or https); undefined when malformed. */
export function splitSchemeNamePort(id: string): { scheme: '' | 'http' | 'https'; name: string; port: string } | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) [name, port] = parts as [string, string];
  else if (parts.length === 3) [scheme, name, port] = parts as [string, string, string];
  else return undefined;
  if (name === '' || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme: scheme, name, port };
}

function storeOf(registry: ApiRegistry, resource: string): GenericStore {
  const served = registry.lookup('', 'v1', resource);
  if (served === undefined) throw new Error(`${resource} are not registered`);
  return served.store;
}

function parsePortNumber(port: string): number | undefined {
  if (!/^\d{1,5}$/.test(port)) return undefined;
  const n = Number(port);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

/** pods/proxy: the pod's IP and the port asked for (number or container port name). */
export async function podProxyTarget(registry: ApiRegistry, namespace: string, id: string): Promise<ProxyTarget> {
  const parsed = splitSchemeNamePort(id);
  if (parsed === undefined) throw badRequest(`invalid pod request "${id}"`);
  const pod = await storeOf(registry, 'pods').get(namespace, parsed.name);
  const spec = isObject(pod.spec) ? pod.spec : {};
  const containerPorts = objects(spec.containers).flatMap((c) => objects(c.ports));
  let port: number | undefined;
  if (parsed.port === '') {
    const first = containerPorts.find((p) => typeof p.containerPort === 'number');
    port = typeof first?.containerPort === 'number' ? first.containerPort : undefined;
  } else {
    port = parsePortNumber(parsed.port) ?? containerPorts.find((p) => str(p.name) === parsed.port && typeof p.containerPort === 'number')?.containerPort;
    if (port === undefined) throw badRequest(`pod "${parsed.name}" has no port named "${parsed.port}"`);
  }
  const podIP = isObject(pod.status) ? str(pod.status.podIP) : '';
  if (podIP === '') throw badRequest(`pod "${parsed.name}" has no IP address yet; it is not running`);
  const scheme = parsed.scheme === 'https' ? 'https' : 'http';
  return { scheme, host: podIP, port: port ?? (scheme === 'https' ? 443 : 80), pathPrefix: '', tls: scheme === 'https' ? { mode: 'insecure' } : undefined };
}

/**
 * The ready backends of one service port, read consistently from storage: its EndpointSlices,
 * or its Endpoints object when it has no slices (a hand-written one, say).
 */
async function serviceBackends(registry: ApiRegistry, namespace: string, service: string, portName: string): Promise<ServiceBackend[]> {
  const slicesStore = registry.lookup('discovery.k8s.io', 'v1', 'endpointslices')?.store;
  if (slicesStore !== undefined) {
    const slices = await slicesStore.list(namespace, { ...parseListOptions(new URLSearchParams()), labelSelector: `${SERVICE_NAME_LABEL}=${service}` });
    if (slices.items.length > 0) return backendsFromSlices(slices.items, portName);
  }
  try {
    return backendsFromEndpoints(await storeOf(registry, 'endpoints').get(namespace, service), portName);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return [];
    throw err;
  }
}

/** services/proxy: a random ready endpoint of the service port (named, numbered, or the only one). */
export async function serviceProxyTarget(registry: ApiRegistry, namespace: string, id: string): Promise<ProxyTarget> {
  const parsed = splitSchemeNamePort(id);
  if (parsed === undefined) throw badRequest(`invalid service request "${id}"`);
  const svc: KubeObject = await storeOf(registry, 'services').get(namespace, parsed.name);
  const ports = objects(isObject(svc.spec) ? svc.spec.ports : undefined);
  const number = parsePortNumber(parsed.port);
  let portName: string;
  if (number !== undefined) {
    const match = ports.find((p) => p.port === number);
    if (match === undefined) throw serviceUnavailable(`no service port ${number} found for service "${parsed.name}"`);
    portName = str(match.name);
  } else if (parsed.port !== '') {
    portName = parsed.port;
  } else {
    portName = ports.length === 1 ? str(ports[0]!.name) : '';
  }
  const backends = await serviceBackends(registry, namespace, parsed.name, portName);
  if (backends.length === 0) throw serviceUnavailable(`no endpoints available for service "${parsed.name}"`);
  const backend = pick(backends);
  const scheme = parsed.scheme === 'https' ? 'https' : 'http';
  return { scheme, host: backend.ip, port: backend.port, pathPrefix: '', tls: scheme === 'https' ? { mode: 'insecure' } : undefined };
}

function requireKubeletTls(kubeletClient: KubeletClientConfig | undefined): KubeletClientConfig {
  if (kubeletClient === undefined) {
    throw serviceUnavailable('this apiserver has no kubelet client certificate configured (ApiServerOptions.kubeletClient), so it cannot reach kubelets');
  }
  return kubeletClient;
}

/** Where a node's kubelet listens: host (without IPv6 brackets) and port. */
function kubeletEndpoint(node: KubeObject): { host: string; port: number } {
  const url = kubeletBaseUrl(node);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
}

/** nodes/proxy: the kubelet, or (with another port) that port of the node. */
export async function nodeProxyTarget(registry: ApiRegistry, id: string, kubeletClient: KubeletClientConfig | undefined): Promise<ProxyTarget> {
  const parsed = splitSchemeNamePort(id);
  if (parsed === undefined) throw badRequest(`invalid node request "${id}"`);
  const node = await storeOf(registry, 'nodes').get('', parsed.name);
  const requested = parsed.port === '' ? undefined : parsePortNumber(parsed.port);
  if (parsed.port !== '' && requested === undefined) throw badRequest(`invalid node request "${id}": the port must be a number`);
  const { host, port } = kubeletEndpoint(node);
  if (requested === undefined || requested === port) {
    return { scheme: 'https', host, port, pathPrefix: '', tls: { mode: 'verify', client: requireKubeletTls(kubeletClient) } };
  }
  const scheme = parsed.scheme === 'https' ? 'https' : 'http';
  return { scheme, host, port: requested, pathPrefix: '', tls: scheme === 'https' ? { mode: 'insecure' } : undefined };
}
