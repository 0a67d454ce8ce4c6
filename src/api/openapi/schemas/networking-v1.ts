/** networking.k8s.io/v1 Ingress, IngressClass and NetworkPolicy. */
import type { SchemaSet } from '../schema-types.ts';
import {
  apiPrefix, atomicList, int32, intOrString, kindWithList, META, obj, ref, str, strings,
} from './dsl.ts';

const net = apiPrefix('networking.k8s.io', 'v1');
const core = apiPrefix('', 'v1');
const gvk = (kind: string): { group: string; version: string; kind: string } => ({ group: 'networking.k8s.io', version: 'v1', kind });

export const networkingV1Schemas: SchemaSet = {
  ...kindWithList(gvk('Ingress'), 'Rules routing outside HTTP traffic to services by host and path.', {
    spec: ref(`${net}IngressSpec`, 'The routing rules of the ingress.'),
    status: ref(`${net}IngressStatus`, 'The observed state of the ingress.'),
  }),
  [`${net}IngressSpec`]: obj('The routing an ingress asks for.', {
    ingressClassName: str('Name of the IngressClass whose controller implements this ingress.'),
    defaultBackend: ref(`${net}IngressBackend`, 'The backend of requests no rule matches.'),
    tls: atomicList(ref(`${net}IngressTLS`), 'TLS termination of hosts on port 443.'),
    rules: atomicList(ref(`${net}IngressRule`), 'Host rules; requests matching none go to the default backend.'),
  }),
  [`${net}IngressBackend`]: obj('Where matched requests go: a service port or a resource.', {
    service: ref(`${net}IngressServiceBackend`, 'A service of the ingress namespace.'),
    resource: ref(`${core}TypedLocalObjectReference`, 'Another resource of the ingress namespace.'),
  }),
  [`${net}IngressServiceBackend`]: obj(
    'A service port as a backend.',
    {
      name: str('Name of the service.'),
      port: ref(`${net}ServiceBackendPort`, 'The service port, by name or number.'),
    },
    { required: ['name'] },
  ),
  [`${net}ServiceBackendPort`]: obj(
    'A service port, by name or by number.',
    {
      name: str('Name of the service port.'),
      number: int32('Number of the service port.'),
    },
    { mapType: 'atomic' },
  ),
  [`${core}TypedLocalObjectReference`]: obj(
    'An object of the same namespace, by group, kind and name.',
    {
      apiGroup: str('API group of the object; the core group when empty.'),
      kind: str('Kind of the object.'),
      name: str('Name of the object.'),
    },
    { required: ['kind', 'name'], mapType: 'atomic' },
  ),
  [`${net}IngressTLS`]: obj('TLS termination for some hosts.', {
    hosts: strings('Hosts of the certificate.'),
    secretName: str('Secret holding the certificate and key.'),
  }),
  [`${net}IngressRule`]: obj('The paths of one host (all hosts when empty).', {
    host: str('A DNS name, optionally with a leading `*.` wildcard label.'),
    http: ref(`${net}HTTPIngressRuleValue`, 'HTTP paths of the rule.'),
  }),
  [`${net}HTTPIngressRuleValue`]: obj(
    'HTTP paths mapped to backends.',
    { paths: atomicList(ref(`${net}HTTPIngressPath`), 'Paths mapped to backends.') },
    { required: ['paths'] },
  ),
  [`${net}HTTPIngressPath`]: obj(
    'A path mapped to a backend.',
    {
      path: str('Path matched against requests; must start with `/` for Exact and Prefix.'),
      pathType: str('`Exact`, `Prefix` or `ImplementationSpecific`.', { enum: ['Exact', 'ImplementationSpecific', 'Prefix'] }),
      backend: ref(`${net}IngressBackend`, 'Where matching requests go.'),
    },
    { required: ['pathType', 'backend'] },
  ),
  [`${net}IngressStatus`]: obj('The observed state of an ingress.', {
    loadBalancer: ref(`${net}IngressLoadBalancerStatus`, 'The load balancer of the ingress.'),
  }),
  [`${net}IngressLoadBalancerStatus`]: obj('The state of an ingress load balancer.', {
    ingress: atomicList(ref(`${net}IngressLoadBalancerIngress`), 'Entry points of the load balancer.'),
  }),
  [`${net}IngressLoadBalancerIngress`]: obj('An entry point of an ingress load balancer.', {
    ip: str('IP address of the entry point.'),
    hostname: str('DNS name of the entry point.'),
    ports: atomicList(ref(`${net}IngressPortStatus`), 'State of the ports.'),
  }),
  [`${net}IngressPortStatus`]: obj(
    'The state of an ingress port.',
    {
      port: int32('Port number.'),
      protocol: str('`TCP`, `UDP` or `SCTP`.'),
      error: str('Problem with the port, if any.'),
    },
    { required: ['port', 'protocol'] },
  ),

  ...kindWithList(gvk('IngressClass'), 'A class of ingresses and the controller that implements it.', {
    spec: ref(`${net}IngressClassSpec`, 'The controller and parameters of the class.'),
  }),
  [`${net}IngressClassSpec`]: obj('The controller and parameters of an ingress class.', {
    controller: str('Domain-prefixed name of the controller, such as `acme.io/ingress-controller`. Immutable.'),
    parameters: ref(`${net}IngressClassParametersReference`, 'A resource with settings for the controller.'),
  }),
  [`${net}IngressClassParametersReference`]: obj(
    'A resource holding the settings of an ingress class.',
    {
      apiGroup: str('API group of the resource.'),
      kind: str('Kind of the resource.'),
      name: str('Name of the resource.'),
      scope: str('`Cluster` (default) or `Namespace`.'),
      namespace: str('Namespace of the resource when scope is Namespace.'),
    },
    { required: ['kind', 'name'] },
  ),

  ...kindWithList(gvk('NetworkPolicy'), 'The traffic allowed to and from a set of pods (not enforced by k8ts).', {
    spec: ref(`${net}NetworkPolicySpec`, 'The pods and the traffic allowed.'),
  }),
  [`${net}NetworkPolicySpec`]: obj('The pods a policy selects and the traffic it allows.', {
    podSelector: ref(`${META}LabelSelector`, 'The pods the policy applies to; empty selects every pod of the namespace.'),
    ingress: atomicList(ref(`${net}NetworkPolicyIngressRule`), 'Traffic allowed to the pods.'),
    egress: atomicList(ref(`${net}NetworkPolicyEgressRule`), 'Traffic allowed from the pods.'),
    policyTypes: strings('`Ingress`, `Egress`, or both.'),
  }),
  [`${net}NetworkPolicyIngressRule`]: obj('Traffic allowed to the selected pods.', {
    ports: atomicList(ref(`${net}NetworkPolicyPort`), 'Ports allowed; all when empty.'),
    from: atomicList(ref(`${net}NetworkPolicyPeer`), 'Sources allowed; all when empty.'),
  }),
  [`${net}NetworkPolicyEgressRule`]: obj('Traffic allowed from the selected pods.', {
    ports: atomicList(ref(`${net}NetworkPolicyPort`), 'Ports allowed; all when empty.'),
    to: atomicList(ref(`${net}NetworkPolicyPeer`), 'Destinations allowed; all when empty.'),
  }),
  [`${net}NetworkPolicyPort`]: obj('A port, or a range of ports.', {
    protocol: str('`TCP` (default), `UDP` or `SCTP`.'),
    port: intOrString('Port number or named port.'),
    endPort: int32('Last port of a range starting at port.'),
  }),
  [`${net}NetworkPolicyPeer`]: obj('Pods, namespaces or an IP block.', {
    podSelector: ref(`${META}LabelSelector`, 'Pods, in the namespaces the namespaceSelector picks (the policy namespace otherwise).'),
    namespaceSelector: ref(`${META}LabelSelector`, 'Namespaces whose pods are peers.'),
    ipBlock: ref(`${net}IPBlock`, 'A CIDR, minus exceptions.'),
  }),
  [`${net}IPBlock`]: obj(
    'A CIDR minus some sub-ranges.',
    {
      cidr: str('The CIDR, such as `192.168.1.0/24`.'),
      except: strings('CIDRs inside cidr that are excluded.'),
    },
    { required: ['cidr'] },
  ),
};
