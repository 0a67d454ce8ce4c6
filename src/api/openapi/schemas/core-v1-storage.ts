/** core/v1 PersistentVolume (the PersistentVolumeClaim schema lives with the pod volumes). */
import type { SchemaSet } from '../schema-types.ts';
import { apiPrefix, bool, kindWithList, loose, map, obj, ref, resourceList, str, strings, time } from './dsl.ts';

const core = apiPrefix('', 'v1');

/** Volume sources of other storage systems, kept as sent. */
const OTHER_SOURCES = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk',
  'glusterfs', 'iscsi', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume',
];

export const coreV1StorageSchemas: SchemaSet = {
  ...kindWithList({ group: '', version: 'v1', kind: 'PersistentVolume' }, 'A piece of storage that claims bind to (nothing binds or provisions them in k8ts).', {
    spec: ref(`${core}PersistentVolumeSpec`, 'The storage and how it may be used.'),
    status: ref(`${core}PersistentVolumeStatus`, 'The state of the volume.'),
  }),
  [`${core}PersistentVolumeSpec`]: obj('The storage of a volume and how it may be used.', {
    capacity: resourceList('Size of the volume (`storage`).'),
    accessModes: strings('`ReadWriteOnce`, `ReadOnlyMany`, `ReadWriteMany` or `ReadWriteOncePod`.'),
    claimRef: ref(`${core}ObjectReference`, 'The claim bound to the volume.'),
    persistentVolumeReclaimPolicy: str('`Retain` (default), `Delete` or `Recycle`.'),
    storageClassName: str('The StorageClass of the volume.'),
    mountOptions: strings('Mount options.'),
    volumeMode: str('`Filesystem` (default) or `Block`.'),
    nodeAffinity: ref(`${core}VolumeNodeAffinity`, 'Nodes the volume can be used from.'),
    volumeAttributesClassName: str('The VolumeAttributesClass of the volume.'),
    hostPath: ref(`${core}HostPathVolumeSource`, 'A directory of the node.'),
    local: ref(`${core}LocalVolumeSource`, 'A local disk or directory of a node.'),
    nfs: ref(`${core}NFSVolumeSource`, 'An NFS export.'),
    csi: ref(`${core}CSIPersistentVolumeSource`, 'A volume of a CSI driver.'),
    ...Object.fromEntries(OTHER_SOURCES.map((s) => [s, loose(`A ${s} volume.`)])),
  }),
  [`${core}VolumeNodeAffinity`]: obj('Nodes a volume can be used from.', {
    required: ref(`${core}NodeSelector`, 'Nodes that may use the volume.'),
  }),
  [`${core}LocalVolumeSource`]: obj(
    'A local disk or directory.',
    { path: str('Full path on the node.'), fsType: str('Filesystem type of a block device.') },
    { required: ['path'] },
  ),
  [`${core}NFSVolumeSource`]: obj(
    'An NFS export.',
    { server: str('Host name or IP of the server.'), path: str('Exported path.'), readOnly: bool('Mounts read-only.') },
    { required: ['server', 'path'] },
  ),
  [`${core}CSIPersistentVolumeSource`]: obj(
    'A volume of a CSI driver.',
    {
      driver: str('Name of the driver.'),
      volumeHandle: str('The driver\'s identifier of the volume.'),
      readOnly: bool('Mounts read-only.'),
      fsType: str('Filesystem type.'),
      volumeAttributes: map(str(), 'Attributes of the volume.'),
      controllerPublishSecretRef: loose('Secret for ControllerPublishVolume.'),
      nodeStageSecretRef: loose('Secret for NodeStageVolume.'),
      nodePublishSecretRef: loose('Secret for NodePublishVolume.'),
      controllerExpandSecretRef: loose('Secret for ControllerExpandVolume.'),
      nodeExpandSecretRef: loose('Secret for NodeExpandVolume.'),
    },
    { required: ['driver', 'volumeHandle'] },
  ),
  [`${core}PersistentVolumeStatus`]: obj('The state of a volume.', {
    phase: str('`Pending`, `Available`, `Bound`, `Released` or `Failed`.'),
    message: str('Why the volume is in this phase.'),
    reason: str('Short reason, for the CLI.'),
    lastPhaseTransitionTime: time('When the phase last changed.'),
  }),
};
