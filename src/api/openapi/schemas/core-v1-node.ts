/** core/v1 Node: a machine that runs pods, as its kubelet registers and reports it. */
import type { SchemaSet } from '../schema-types.ts';
import {
  apiPrefix, arr, atomicList, bool, conditions, int32, int64, keyedList, kindWithList, loose, obj, ref, resourceList, str, strings, time,
} from './dsl.ts';

const core = apiPrefix('', 'v1');

export const coreV1NodeSchemas: SchemaSet = {
  ...kindWithList({ group: '', version: 'v1', kind: 'Node' }, 'A machine that runs pods, registered by its kubelet.', {
    spec: ref(`${core}NodeSpec`, 'The desired behaviour of the node.'),
    status: ref(`${core}NodeStatus`, 'The observed state of the node, reported by its kubelet.'),
  }),
  [`${core}NodeSpec`]: obj('The desired behaviour of a node.', {
    podCIDR: str('The pod IP range of the node.'),
    podCIDRs: arr(str(), { description: 'The pod IP ranges of the node, the first equal to podCIDR.', strategy: 'merge', listType: 'set' }),
    providerID: str('Identifier of the node at its provider.'),
    unschedulable: bool('Keeps new pods off the node (cordon).'),
    taints: atomicList(ref(`${core}Taint`), 'Taints that repel pods without a matching toleration.'),
    configSource: loose('Deprecated dynamic kubelet configuration.'),
    externalID: str('Deprecated.'),
  }),
  [`${core}Taint`]: obj(
    'A mark that repels pods which do not tolerate it.',
    {
      key: str('Taint key.'),
      value: str('Taint value.'),
      effect: str('`NoSchedule`, `PreferNoSchedule` or `NoExecute`.'),
      timeAdded: time('When a `NoExecute` taint was added.'),
    },
    { required: ['key', 'effect'] },
  ),
  [`${core}NodeStatus`]: obj('The observed state of a node.', {
    capacity: resourceList('Total resources of the node.'),
    allocatable: resourceList('Resources available to pods.'),
    phase: str('Deprecated.'),
    conditions: conditions(`${core}NodeCondition`, 'Conditions of the node, such as Ready.'),
    addresses: keyedList(ref(`${core}NodeAddress`), 'type', 'Addresses of the node.'),
    daemonEndpoints: ref(`${core}NodeDaemonEndpoints`, 'Ports of the daemons on the node.'),
    nodeInfo: ref(`${core}NodeSystemInfo`, 'Identity and versions of the node.'),
    images: atomicList(ref(`${core}ContainerImage`), 'Images present on the node.'),
    volumesInUse: strings('Volumes in use on the node.'),
    volumesAttached: atomicList(loose('An attached volume.'), 'Volumes attached to the node.'),
    config: loose('State of the kubelet configuration.'),
    runtimeHandlers: atomicList(loose('A runtime handler.'), 'Runtime handlers available.'),
    features: loose('Features the node implements.'),
  }),
  [`${core}NodeCondition`]: obj(
    'One condition of a node.',
    {
      type: str('`Ready`, `MemoryPressure`, `DiskPressure`, `PIDPressure` or `NetworkUnavailable`.'),
      status: str('`True`, `False` or `Unknown`.'),
      lastHeartbeatTime: time('When the kubelet last reported the condition.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('Machine-readable reason.'),
      message: str('Human-readable details.'),
    },
    { required: ['type', 'status'] },
  ),
  [`${core}NodeAddress`]: obj(
    'An address of a node.',
    {
      type: str('`Hostname`, `InternalIP`, `ExternalIP`, `InternalDNS` or `ExternalDNS`.'),
      address: str('The address.'),
    },
    { required: ['type', 'address'] },
  ),
  [`${core}NodeDaemonEndpoints`]: obj('Ports of the daemons on a node.', {
    kubeletEndpoint: ref(`${core}DaemonEndpoint`, 'The kubelet API port.'),
  }),
  [`${core}DaemonEndpoint`]: obj('A daemon port.', { Port: int32('Port number.') }, { required: ['Port'] }),
  [`${core}NodeSystemInfo`]: obj(
    'Identity and software versions of a node.',
    {
      machineID: str('Machine ID of the host.'),
      systemUUID: str('System UUID of the host.'),
      bootID: str('Boot ID of the host.'),
      kernelVersion: str('Kernel version.'),
      osImage: str('Operating system name.'),
      containerRuntimeVersion: str('Container runtime and version.'),
      kubeletVersion: str('Kubelet version.'),
      kubeProxyVersion: str('Deprecated.'),
      operatingSystem: str('Operating system, such as `linux`.'),
      architecture: str('CPU architecture, such as `amd64`.'),
      swap: loose('Swap information.'),
    },
    { required: ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'] },
  ),
  [`${core}ContainerImage`]: obj('An image on a node.', {
    names: strings('Names of the image.'),
    sizeBytes: int64('Size in bytes.'),
  }),
};
