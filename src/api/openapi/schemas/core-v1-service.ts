/** core/v1 Service and Endpoints: stable virtual addresses for a set of pods. */
import type { SchemaSet } from '../schema-types.ts';
import {
  apiPrefix, atomicList, bool, conditions, int32, intOrString, keyedList, kindWithList, loose, map, META, obj, ref, str, strings,
} from './dsl.ts';

const core = apiPrefix('', 'v1');

export const coreV1ServiceSchemas: SchemaSet = {
  ...kindWithList({ group: '', version: 'v1', kind: 'Service' }, 'A stable address and port set that balances over the pods a selector picks.', {
    spec: ref(`${core}ServiceSpec`, 'The desired behaviour of the service.'),
    status: ref(`${core}ServiceStatus`, 'The observed state of the service.'),
  }),
  [`${core}ServiceSpec`]: obj('The desired behaviour of a service.', {
    ports: keyedList(ref(`${core}ServicePort`), 'port', 'The ports the service exposes.', { listMapKeys: ['port', 'protocol'] }),
    selector: map(str(), 'Pods with these labels receive the traffic; without a selector, endpoints are managed by hand.', 'atomic'),
    clusterIP: str('The virtual IP of the service; `None` for a headless service. Allocated when empty.'),
    clusterIPs: strings('The virtual IPs of the service, the first equal to clusterIP.'),
    type: str('`ClusterIP` (default), `NodePort`, `LoadBalancer` or `ExternalName`.'),
    externalIPs: strings('Extra IPs the service accepts traffic on.'),
    sessionAffinity: str('`None` (default) or `ClientIP` to keep a client on one endpoint.'),
    loadBalancerIP: str('Deprecated: requested load-balancer IP.'),
    loadBalancerSourceRanges: strings('Client CIDRs a load balancer admits.'),
    externalName: str('DNS name an `ExternalName` service aliases.'),
    externalTrafficPolicy: str('`Cluster` (default) or `Local`: how external traffic picks endpoints.'),
    healthCheckNodePort: int32('Node port for load-balancer health checks.'),
    publishNotReadyAddresses: bool('Includes endpoints of pods that are not ready.'),
    sessionAffinityConfig: loose('Settings of the session affinity.'),
    ipFamilies: strings('`IPv4` and/or `IPv6`.'),
    ipFamilyPolicy: str('`SingleStack`, `PreferDualStack` or `RequireDualStack`.'),
    allocateLoadBalancerNodePorts: bool('Whether a `LoadBalancer` service gets node ports.'),
    loadBalancerClass: str('The load-balancer implementation.'),
    internalTrafficPolicy: str('`Cluster` (default) or `Local`: how in-cluster traffic picks endpoints.'),
    trafficDistribution: str('Preference for how traffic spreads over endpoints.'),
  }),
  [`${core}ServicePort`]: obj(
    'A port of a service.',
    {
      name: str('Name of the port; required when there are several.'),
      protocol: str('`TCP` (default), `UDP` or `SCTP`.', { default: 'TCP' }),
      appProtocol: str('Application protocol, such as `http`.'),
      port: int32('The port the service listens on.'),
      targetPort: intOrString('Port number or name on the pods. Defaults to `port`.'),
      nodePort: int32('Port on every node, for `NodePort` and `LoadBalancer` services.'),
    },
    { required: ['port'] },
  ),
  [`${core}ServiceStatus`]: obj('The observed state of a service.', {
    loadBalancer: ref(`${core}LoadBalancerStatus`, 'Addresses of the load balancer, if any.'),
    conditions: conditions(`${META}Condition`, 'Conditions of the service.'),
  }),
  [`${core}LoadBalancerStatus`]: obj('The state of a load balancer.', {
    ingress: atomicList(ref(`${core}LoadBalancerIngress`), 'Where the load balancer accepts traffic.'),
  }),
  [`${core}LoadBalancerIngress`]: obj('An entry point of a load balancer.', {
    ip: str('IP address.'),
    hostname: str('DNS name.'),
    ipMode: str('`VIP` or `Proxy`.'),
    ports: atomicList(ref(`${core}PortStatus`), 'State of the ports.'),
  }),
  [`${core}PortStatus`]: obj(
    'The state of a load-balancer port.',
    {
      port: int32('Port number.'),
      protocol: str('Protocol of the port.'),
      error: str('Problem with the port, if any.'),
    },
    { required: ['port', 'protocol'] },
  ),

  ...kindWithList({ group: '', version: 'v1', kind: 'Endpoints' }, 'The addresses behind a service, grouped into subsets of addresses and ports.', {
    subsets: atomicList(ref(`${core}EndpointSubset`), 'Address/port groups; every address serves every port of its subset.'),
  }),
  [`${core}EndpointSubset`]: obj('Addresses sharing the same ports.', {
    addresses: atomicList(ref(`${core}EndpointAddress`), 'Ready addresses.'),
    notReadyAddresses: atomicList(ref(`${core}EndpointAddress`), 'Addresses not ready yet.'),
    ports: atomicList(ref(`${core}EndpointPort`), 'The ports.'),
  }),
  [`${core}EndpointAddress`]: obj(
    'One endpoint address.',
    {
      ip: str('The IP address.'),
      hostname: str('Host name of the endpoint.'),
      nodeName: str('Node of the endpoint.'),
      targetRef: ref(`${core}ObjectReference`, 'The object behind the address, usually a pod.'),
    },
    { required: ['ip'], mapType: 'atomic' },
  ),
  [`${core}EndpointPort`]: obj(
    'A port of an endpoint subset.',
    {
      name: str('Name, matching the service port name.'),
      port: int32('Port number.'),
      protocol: str('`TCP` (default), `UDP` or `SCTP`.'),
      appProtocol: str('Application protocol.'),
    },
    { required: ['port'], mapType: 'atomic' },
  ),
};
