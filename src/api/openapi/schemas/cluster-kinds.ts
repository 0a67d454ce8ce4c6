/**
 * Small kinds of other groups: coordination.k8s.io/v1 Lease, discovery.k8s.io/v1
 * EndpointSlice, and autoscaling/v1 Scale (the scale subresource) and HorizontalPodAutoscaler.
 */
import type { SchemaSet } from '../schema-types.ts';
import {
  apiPrefix, arr, atomicList, bool, int32, int64, kind, kindWithList, map, microTime, obj, ref, str, time,
} from './dsl.ts';

const coordination = apiPrefix('coordination.k8s.io', 'v1');
const discovery = apiPrefix('discovery.k8s.io', 'v1');
const autoscaling = apiPrefix('autoscaling', 'v1');
const core = apiPrefix('', 'v1');

export const coordinationV1Schemas: SchemaSet = {
  ...kindWithList({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' }, 'A lease held by one holder at a time: leader election and node heartbeats.', {
    spec: ref(`${coordination}LeaseSpec`, 'The holder and the timing of the lease.'),
  }),
  [`${coordination}LeaseSpec`]: obj('The holder and timing of a lease.', {
    holderIdentity: str('Identity of the current holder.'),
    leaseDurationSeconds: int32('Seconds the lease lasts after renewTime.'),
    acquireTime: microTime('When the current holder acquired the lease.'),
    renewTime: microTime('When the holder last renewed the lease.'),
    leaseTransitions: int32('How many times the holder changed.'),
    strategy: str('How the next holder is chosen, for coordinated election.'),
    preferredHolder: str('The holder the coordinator prefers next.'),
  }),
};

export const discoveryV1Schemas: SchemaSet = {
  ...kindWithList(
    { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' },
    'A slice of the endpoints behind a service.',
    {
      addressType: str('`IPv4`, `IPv6` or `FQDN`.'),
      endpoints: atomicList(ref(`${discovery}Endpoint`), 'The endpoints of the slice.'),
      ports: atomicList(ref(`${discovery}EndpointPort`), 'The ports every endpoint serves.'),
    },
    ['addressType', 'endpoints'],
  ),
  [`${discovery}Endpoint`]: obj(
    'One endpoint of a slice.',
    {
      addresses: arr(str(), { description: 'Addresses of the endpoint.', listType: 'set' }),
      conditions: ref(`${discovery}EndpointConditions`, 'Readiness of the endpoint.'),
      hostname: str('Host name of the endpoint.'),
      targetRef: ref(`${core}ObjectReference`, 'The object behind the endpoint, usually a pod.'),
      deprecatedTopology: map(str(), 'Deprecated topology labels.'),
      nodeName: str('Node of the endpoint.'),
      zone: str('Zone of the endpoint.'),
      hints: ref(`${discovery}EndpointHints`, 'Routing hints.'),
    },
    { required: ['addresses'] },
  ),
  [`${discovery}EndpointConditions`]: obj('Readiness of an endpoint.', {
    ready: bool('Ready to receive traffic.'),
    serving: bool('Serving, even while terminating.'),
    terminating: bool('Being terminated.'),
  }),
  [`${discovery}EndpointHints`]: obj('Routing hints of an endpoint.', {
    forZones: atomicList(ref(`${discovery}ForZone`), 'Zones that should use the endpoint.'),
    forNodes: atomicList(ref(`${discovery}ForNode`), 'Nodes that should use the endpoint.'),
  }),
  [`${discovery}ForZone`]: obj('A zone.', { name: str('Zone name.') }, { required: ['name'] }),
  [`${discovery}ForNode`]: obj('A node.', { name: str('Node name.') }, { required: ['name'] }),
  [`${discovery}EndpointPort`]: obj(
    'A port of an endpoint slice.',
    {
      name: str('Name, matching the service port name.'),
      protocol: str('`TCP` (default), `UDP` or `SCTP`.'),
      port: int32('Port number.'),
      appProtocol: str('Application protocol.'),
    },
    { mapType: 'atomic' },
  ),
};

export const autoscalingV1Schemas: SchemaSet = {
  [`${autoscaling}Scale`]: kind({ group: 'autoscaling', version: 'v1', kind: 'Scale' }, 'The replica count of a scalable object (its scale subresource).', {
    spec: ref(`${autoscaling}ScaleSpec`, 'The wanted replica count.'),
    status: ref(`${autoscaling}ScaleStatus`, 'The current replica count.'),
  }),
  [`${autoscaling}ScaleSpec`]: obj('The wanted scale.', { replicas: int32('Number of replicas wanted.') }),
  [`${autoscaling}ScaleStatus`]: obj(
    'The current scale.',
    {
      replicas: int32('Number of replicas observed.'),
      selector: str('Label selector of the pods, in string form (`app=web`).'),
    },
    { required: ['replicas'] },
  ),

  ...kindWithList({ group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' }, 'Scales a workload by its CPU utilization (the v1 view of autoscaling/v2 autoscalers; not acted on by k8ts).', {
    spec: ref(`${autoscaling}HorizontalPodAutoscalerSpec`, 'The target, the replica range and the CPU target.'),
    status: ref(`${autoscaling}HorizontalPodAutoscalerStatus`, 'The observed state of the autoscaler.'),
  }),
  [`${autoscaling}HorizontalPodAutoscalerSpec`]: obj(
    'What an autoscaler scales, within what range, to what CPU utilization.',
    {
      scaleTargetRef: ref(`${autoscaling}CrossVersionObjectReference`, 'The scaled object.'),
      minReplicas: int32('Lowest replica count. Defaults to 1.'),
      maxReplicas: int32('Highest replica count.'),
      targetCPUUtilizationPercentage: int32('Target average CPU utilization, in percent of the requests.'),
    },
    { required: ['scaleTargetRef', 'maxReplicas'] },
  ),
  [`${autoscaling}CrossVersionObjectReference`]: obj(
    'An object of the same namespace, by kind and name.',
    { kind: str('Kind of the object.'), name: str('Name of the object.'), apiVersion: str('API version of the object.') },
    { required: ['kind', 'name'], mapType: 'atomic' },
  ),
  [`${autoscaling}HorizontalPodAutoscalerStatus`]: obj(
    'The observed state of an autoscaler.',
    {
      observedGeneration: int64('The generation last acted on.'),
      lastScaleTime: time('When the autoscaler last scaled.'),
      currentReplicas: int32('Replicas of the target now.'),
      desiredReplicas: int32('Replicas the autoscaler wants.'),
      currentCPUUtilizationPercentage: int32('Average CPU utilization now, in percent of the requests.'),
    },
    { required: ['currentReplicas', 'desiredReplicas'] },
  ),
};
