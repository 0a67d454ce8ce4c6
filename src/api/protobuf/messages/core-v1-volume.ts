/**
 * core/v1 Volume and the volume sources k8ts decodes: the ones a pod on k8ts can use or that
 * manifests commonly carry (hostPath, emptyDir, secret, configMap, downwardAPI, projected,
 * persistentVolumeClaim, ephemeral, csi, nfs, image, gitRepo). The in-tree cloud and storage-
 * vendor sources are not listed: a pod naming one is refused with a message naming the field.
 */
import {
  bool, inline, message, msg, msgs, optBool, optInt32, optInt64, optStr, quantity, quantityMap, str, stringMap, strings,
  type MessageDescriptor,
} from '../descriptor.ts';
import { localObjectReference, objectFieldSelector, resourceFieldSelector } from './core-v1-container.ts';
import { labelSelector, objectMeta } from './meta-v1.ts';

const CORE = 'k8s.io.api.core.v1.';

export const keyToPath: MessageDescriptor = message(`${CORE}KeyToPath`, { 1: str('key'), 2: str('path'), 3: optInt32('mode') });

export const hostPathVolumeSource: MessageDescriptor = message(`${CORE}HostPathVolumeSource`, { 1: str('path'), 2: optStr('type') });
export const emptyDirVolumeSource: MessageDescriptor = message(`${CORE}EmptyDirVolumeSource`, { 1: str('medium'), 2: quantity('sizeLimit') });
export const gitRepoVolumeSource: MessageDescriptor = message(`${CORE}GitRepoVolumeSource`, { 1: str('repository'), 2: str('revision'), 3: str('directory') });
export const nfsVolumeSource: MessageDescriptor = message(`${CORE}NFSVolumeSource`, { 1: str('server'), 2: str('path'), 3: bool('readOnly') });
export const imageVolumeSource: MessageDescriptor = message(`${CORE}ImageVolumeSource`, { 1: str('reference'), 2: str('pullPolicy') });

export const secretVolumeSource: MessageDescriptor = message(`${CORE}SecretVolumeSource`, {
  1: str('secretName'),
  2: msgs('items', () => keyToPath),
  3: optInt32('defaultMode'),
  4: optBool('optional'),
});

export const configMapVolumeSource: MessageDescriptor = message(`${CORE}ConfigMapVolumeSource`, {
  1: inline(() => localObjectReference),
  2: msgs('items', () => keyToPath),
  3: optInt32('defaultMode'),
  4: optBool('optional'),
});

export const persistentVolumeClaimVolumeSource: MessageDescriptor = message(`${CORE}PersistentVolumeClaimVolumeSource`, {
  1: str('claimName'),
  2: bool('readOnly'),
});

export const downwardAPIVolumeFile: MessageDescriptor = message(`${CORE}DownwardAPIVolumeFile`, {
  1: str('path'),
  2: msg('fieldRef', () => objectFieldSelector),
  3: msg('resourceFieldRef', () => resourceFieldSelector),
  4: optInt32('mode'),
});

export const downwardAPIVolumeSource: MessageDescriptor = message(`${CORE}DownwardAPIVolumeSource`, {
  1: msgs('items', () => downwardAPIVolumeFile),
  2: optInt32('defaultMode'),
});

export const secretProjection: MessageDescriptor = message(`${CORE}SecretProjection`, {
  1: inline(() => localObjectReference),
  2: msgs('items', () => keyToPath),
  4: optBool('optional'),
});

export const configMapProjection: MessageDescriptor = message(`${CORE}ConfigMapProjection`, {
  1: inline(() => localObjectReference),
  2: msgs('items', () => keyToPath),
  4: optBool('optional'),
});

export const downwardAPIProjection: MessageDescriptor = message(`${CORE}DownwardAPIProjection`, { 1: msgs('items', () => downwardAPIVolumeFile) });

export const serviceAccountTokenProjection: MessageDescriptor = message(`${CORE}ServiceAccountTokenProjection`, {
  1: str('audience'),
  2: optInt64('expirationSeconds'),
  3: str('path'),
});

export const clusterTrustBundleProjection: MessageDescriptor = message(`${CORE}ClusterTrustBundleProjection`, {
  1: optStr('name'),
  2: optStr('signerName'),
  3: msg('labelSelector', () => labelSelector),
  5: optBool('optional'),
  4: str('path'),
});

export const volumeProjection: MessageDescriptor = message(`${CORE}VolumeProjection`, {
  1: msg('secret', () => secretProjection),
  2: msg('downwardAPI', () => downwardAPIProjection),
  3: msg('configMap', () => configMapProjection),
  4: msg('serviceAccountToken', () => serviceAccountTokenProjection),
  5: msg('clusterTrustBundle', () => clusterTrustBundleProjection),
});

export const projectedVolumeSource: MessageDescriptor = message(`${CORE}ProjectedVolumeSource`, {
  1: msgs('sources', () => volumeProjection),
  2: optInt32('defaultMode'),
});

export const csiVolumeSource: MessageDescriptor = message(`${CORE}CSIVolumeSource`, {
  1: str('driver'),
  2: optBool('readOnly'),
  3: optStr('fsType'),
  4: stringMap('volumeAttributes'),
  5: msg('nodePublishSecretRef', () => localObjectReference),
});

export const typedLocalObjectReference: MessageDescriptor = message(`${CORE}TypedLocalObjectReference`, {
  1: optStr('apiGroup'),
  2: str('kind'),
  3: str('name'),
});

export const typedObjectReference: MessageDescriptor = message(`${CORE}TypedObjectReference`, {
  1: optStr('apiGroup'),
  2: str('kind'),
  3: str('name'),
  4: optStr('namespace'),
});

export const volumeResourceRequirements: MessageDescriptor = message(`${CORE}VolumeResourceRequirements`, {
  1: quantityMap('limits'),
  2: quantityMap('requests'),
});

export const persistentVolumeClaimSpec: MessageDescriptor = message(`${CORE}PersistentVolumeClaimSpec`, {
  1: strings('accessModes'),
  4: msg('selector', () => labelSelector),
  2: msg('resources', () => volumeResourceRequirements),
  3: str('volumeName'),
  5: optStr('storageClassName'),
  6: optStr('volumeMode'),
  7: msg('dataSource', () => typedLocalObjectReference),
  8: msg('dataSourceRef', () => typedObjectReference),
  9: optStr('volumeAttributesClassName'),
});

export const persistentVolumeClaimTemplate: MessageDescriptor = message(`${CORE}PersistentVolumeClaimTemplate`, {
  1: msg('metadata', () => objectMeta),
  2: msg('spec', () => persistentVolumeClaimSpec),
});

export const ephemeralVolumeSource: MessageDescriptor = message(`${CORE}EphemeralVolumeSource`, {
  1: msg('volumeClaimTemplate', () => persistentVolumeClaimTemplate),
});

/** The one-of of volume sources, inlined into Volume's JSON. */
export const volumeSource: MessageDescriptor = message(`${CORE}VolumeSource`, {
  1: msg('hostPath', () => hostPathVolumeSource),
  2: msg('emptyDir', () => emptyDirVolumeSource),
  5: msg('gitRepo', () => gitRepoVolumeSource),
  6: msg('secret', () => secretVolumeSource),
  7: msg('nfs', () => nfsVolumeSource),
  10: msg('persistentVolumeClaim', () => persistentVolumeClaimVolumeSource),
  16: msg('downwardAPI', () => downwardAPIVolumeSource),
  19: msg('configMap', () => configMapVolumeSource),
  26: msg('projected', () => projectedVolumeSource),
  28: msg('csi', () => csiVolumeSource),
  29: msg('ephemeral', () => ephemeralVolumeSource),
  30: msg('image', () => imageVolumeSource),
});

export const volume: MessageDescriptor = message(`${CORE}Volume`, { 1: str('name'), 2: inline(() => volumeSource) });

