/**
 * core/v1 volumes a pod can declare, and the PersistentVolumeClaim kind (StatefulSets embed
 * claim templates). The common sources are described field by field; the rarer ones are kept
 * as sent.
 */
import type { SchemaSet } from '../schema-types.ts';
import {
  apiPrefix, atomicList, bool, int32, kindWithList, loose, META, obj, quantity, ref, resourceList, str, strings, time,
} from './dsl.ts';

const core = apiPrefix('', 'v1');

/** Volume sources k8ts accepts and stores but does not describe field by field. */
const RARE_SOURCES = Object.fromEntries(
  [
    ['nfs', 'An NFS export.'],
    ['iscsi', 'An iSCSI disk.'],
    ['fc', 'A Fibre Channel disk.'],
    ['gitRepo', 'Deprecated: a git repository checked out into the volume.'],
    ['glusterfs', 'A Glusterfs mount.'],
    ['cephfs', 'A CephFS mount.'],
    ['rbd', 'A Rados block device.'],
    ['flexVolume', 'A volume provided by a FlexVolume driver.'],
    ['cinder', 'Deprecated: an OpenStack Cinder volume.'],
    ['flocker', 'Deprecated: a Flocker dataset.'],
    ['gcePersistentDisk', 'Deprecated: a GCE persistent disk.'],
    ['awsElasticBlockStore', 'Deprecated: an AWS EBS volume.'],
    ['azureFile', 'Deprecated: an Azure File share.'],
    ['azureDisk', 'Deprecated: an Azure data disk.'],
    ['vsphereVolume', 'Deprecated: a vSphere volume.'],
    ['quobyte', 'Deprecated: a Quobyte mount.'],
    ['photonPersistentDisk', 'Deprecated: a Photon persistent disk.'],
    ['portworxVolume', 'Deprecated: a Portworx volume.'],
    ['scaleIO', 'Deprecated: a ScaleIO volume.'],
    ['storageos', 'Deprecated: a StorageOS volume.'],
  ].map(([name, description]) => [name!, loose(description)]),
);

export const coreV1VolumeSchemas: SchemaSet = {
  [`${core}Volume`]: obj(
    'A named volume of a pod; exactly one source is set.',
    {
      name: str('Name of the volume, unique within the pod; mounts refer to it.'),
      emptyDir: ref(`${core}EmptyDirVolumeSource`, 'A directory that starts empty and lives as long as the pod.'),
      hostPath: ref(`${core}HostPathVolumeSource`, 'A file or directory of the node.'),
      configMap: ref(`${core}ConfigMapVolumeSource`, 'The keys of a ConfigMap as files.'),
      secret: ref(`${core}SecretVolumeSource`, 'The keys of a Secret as files.'),
      downwardAPI: ref(`${core}DownwardAPIVolumeSource`, 'Pod fields and resource values as files.'),
      persistentVolumeClaim: ref(`${core}PersistentVolumeClaimVolumeSource`, 'The volume bound to a claim.'),
      projected: ref(`${core}ProjectedVolumeSource`, 'Several sources merged into one directory.'),
      ephemeral: loose('A volume provisioned for the pod through a generated claim.'),
      csi: loose('A volume provided by a CSI driver.'),
      image: ref(`${core}ImageVolumeSource`, 'The content of an OCI image.'),
      ...RARE_SOURCES,
    },
    { required: ['name'] },
  ),
  [`${core}EmptyDirVolumeSource`]: obj('An empty directory.', {
    medium: str('Storage medium: empty for the node default, or `Memory`.'),
    sizeLimit: quantity('Most the volume may hold.'),
  }),
  [`${core}HostPathVolumeSource`]: obj(
    'A path of the node.',
    {
      path: str('Path on the node.'),
      type: str('What must be at the path: `Directory`, `File`, `DirectoryOrCreate`, and so on.'),
    },
    { required: ['path'] },
  ),
  [`${core}KeyToPath`]: obj(
    'A key projected to a file path.',
    {
      key: str('The key to project.'),
      path: str('Relative path of the file.'),
      mode: int32('Permission bits of the file.'),
    },
    { required: ['key', 'path'] },
  ),
  [`${core}ConfigMapVolumeSource`]: obj('A ConfigMap as files.', {
    name: str('Name of the ConfigMap.'),
    items: atomicList(ref(`${core}KeyToPath`), 'Keys to project; all keys when empty.'),
    defaultMode: int32('Permission bits of the files. Defaults to 0644.'),
    optional: bool('Tolerates a missing ConfigMap.'),
  }),
  [`${core}SecretVolumeSource`]: obj('A Secret as files.', {
    secretName: str('Name of the Secret.'),
    items: atomicList(ref(`${core}KeyToPath`), 'Keys to project; all keys when empty.'),
    defaultMode: int32('Permission bits of the files. Defaults to 0644.'),
    optional: bool('Tolerates a missing Secret.'),
  }),
  [`${core}DownwardAPIVolumeSource`]: obj('Pod information as files.', {
    items: atomicList(ref(`${core}DownwardAPIVolumeFile`), 'The files to write.'),
    defaultMode: int32('Permission bits of the files. Defaults to 0644.'),
  }),
  [`${core}DownwardAPIVolumeFile`]: obj(
    'A file holding one pod field or resource value.',
    {
      path: str('Relative path of the file.'),
      fieldRef: ref(`${core}ObjectFieldSelector`, 'A field of the pod.'),
      resourceFieldRef: ref(`${core}ResourceFieldSelector`, 'A resource value of a container.'),
      mode: int32('Permission bits of the file.'),
    },
    { required: ['path'] },
  ),
  [`${core}PersistentVolumeClaimVolumeSource`]: obj(
    'The volume bound to a claim in the pod namespace.',
    {
      claimName: str('Name of the PersistentVolumeClaim.'),
      readOnly: bool('Mounts read-only.'),
    },
    { required: ['claimName'] },
  ),
  [`${core}ProjectedVolumeSource`]: obj('Several sources in one directory.', {
    sources: atomicList(loose('One projected source: secret, configMap, downwardAPI or serviceAccountToken.'), 'The sources to merge.'),
    defaultMode: int32('Permission bits of the files.'),
  }),
  [`${core}ImageVolumeSource`]: obj('An OCI image mounted read-only.', {
    reference: str('The image reference.'),
    pullPolicy: str('`Always`, `Never` or `IfNotPresent`.'),
  }),

  ...kindWithList({ group: '', version: 'v1', kind: 'PersistentVolumeClaim' }, 'A request for storage by a user.', {
    spec: ref(`${core}PersistentVolumeClaimSpec`, 'The storage requested.'),
    status: ref(`${core}PersistentVolumeClaimStatus`, 'The state of the claim.'),
  }),
  [`${core}PersistentVolumeClaimSpec`]: obj('The storage a claim requests.', {
    accessModes: strings('`ReadWriteOnce`, `ReadOnlyMany`, `ReadWriteMany` or `ReadWriteOncePod`.'),
    selector: ref(`${META}LabelSelector`, 'Labels of the volumes that may bind.'),
    resources: ref(`${core}VolumeResourceRequirements`, 'The minimum size and the limit.'),
    volumeName: str('Name of the PersistentVolume to bind to.'),
    storageClassName: str('The StorageClass that provisions the volume.'),
    volumeMode: str('`Filesystem` (default) or `Block`.'),
    dataSource: loose('An object to populate the volume from.'),
    dataSourceRef: loose('An object to populate the volume from, in any namespace.'),
    volumeAttributesClassName: str('The VolumeAttributesClass of the volume.'),
  }),
  [`${core}VolumeResourceRequirements`]: obj('Storage amounts of a claim.', {
    limits: resourceList('The most storage the claim may use.'),
    requests: resourceList('The least storage the claim needs.'),
  }),
  [`${core}PersistentVolumeClaimStatus`]: obj('The state of a claim.', {
    phase: str('`Pending`, `Bound` or `Lost`.'),
    accessModes: strings('Access modes of the bound volume.'),
    capacity: resourceList('Size of the bound volume.'),
    conditions: atomicList(loose('A condition of the claim.'), 'Conditions of the claim.'),
    allocatedResources: resourceList('Storage allocated to the claim.'),
    lastTransitionTime: time('When the phase last changed.'),
  }),
};
