/** core/v1 Pod, PodSpec (with its scheduling parts), PodStatus and PodTemplateSpec. */
import {
  bool, int32, int64, int64s, message, msg, msgs, optBool, optInt32, optInt64, optStr, quantityMap, str, stringMap, strings, time,
  type MessageDescriptor,
} from '../descriptor.ts';
import { container, ephemeralContainer, localObjectReference, podSecurityContext, resourceRequirements } from './core-v1-container.ts';
import { volume } from './core-v1-volume.ts';
import { labelSelector, metadataField, objectMeta } from './meta-v1.ts';

const CORE = 'k8s.io.api.core.v1.';

export const nodeSelectorRequirement: MessageDescriptor = message(`${CORE}NodeSelectorRequirement`, {
  1: str('key'),
  2: str('operator'),
  3: strings('values'),
});

export const nodeSelectorTerm: MessageDescriptor = message(`${CORE}NodeSelectorTerm`, {
  1: msgs('matchExpressions', () => nodeSelectorRequirement),
  2: msgs('matchFields', () => nodeSelectorRequirement),
});

export const nodeSelector: MessageDescriptor = message(`${CORE}NodeSelector`, { 1: msgs('nodeSelectorTerms', () => nodeSelectorTerm) });

export const preferredSchedulingTerm: MessageDescriptor = message(`${CORE}PreferredSchedulingTerm`, {
  1: int32('weight'),
  2: msg('preference', () => nodeSelectorTerm),
});

export const nodeAffinity: MessageDescriptor = message(`${CORE}NodeAffinity`, {
  1: msg('requiredDuringSchedulingIgnoredDuringExecution', () => nodeSelector),
  2: msgs('preferredDuringSchedulingIgnoredDuringExecution', () => preferredSchedulingTerm),
});

export const podAffinityTerm: MessageDescriptor = message(`${CORE}PodAffinityTerm`, {
  1: msg('labelSelector', () => labelSelector),
  2: strings('namespaces'),
  3: str('topologyKey'),
  4: msg('namespaceSelector', () => labelSelector),
  5: strings('matchLabelKeys'),
  6: strings('mismatchLabelKeys'),
});

export const weightedPodAffinityTerm: MessageDescriptor = message(`${CORE}WeightedPodAffinityTerm`, {
  1: int32('weight'),
  2: msg('podAffinityTerm', () => podAffinityTerm),
});

const podAffinityLike = (name: string): MessageDescriptor =>
  message(`${CORE}${name}`, {
    1: msgs('requiredDuringSchedulingIgnoredDuringExecution', () => podAffinityTerm),
    2: msgs('preferredDuringSchedulingIgnoredDuringExecution', () => weightedPodAffinityTerm),
  });
export const podAffinity: MessageDescriptor = podAffinityLike('PodAffinity');
export const podAntiAffinity: MessageDescriptor = podAffinityLike('PodAntiAffinity');

export const affinity: MessageDescriptor = message(`${CORE}Affinity`, {
  1: msg('nodeAffinity', () => nodeAffinity),
  2: msg('podAffinity', () => podAffinity),
  3: msg('podAntiAffinity', () => podAntiAffinity),
});

export const toleration: MessageDescriptor = message(`${CORE}Toleration`, {
  1: str('key'),
  2: str('operator'),
  3: str('value'),
  4: str('effect'),
  5: optInt64('tolerationSeconds'),
});

export const hostAlias: MessageDescriptor = message(`${CORE}HostAlias`, { 1: str('ip'), 2: strings('hostnames') });

export const podDNSConfigOption: MessageDescriptor = message(`${CORE}PodDNSConfigOption`, { 1: str('name'), 2: optStr('value') });

export const podDNSConfig: MessageDescriptor = message(`${CORE}PodDNSConfig`, {
  1: strings('nameservers'),
  2: strings('searches'),
  3: msgs('options', () => podDNSConfigOption),
});

export const topologySpreadConstraint: MessageDescriptor = message(`${CORE}TopologySpreadConstraint`, {
  1: int32('maxSkew'),
  2: str('topologyKey'),
  3: str('whenUnsatisfiable'),
  4: msg('labelSelector', () => labelSelector),
  5: optInt32('minDomains'),
  6: optStr('nodeAffinityPolicy'),
  7: optStr('nodeTaintsPolicy'),
  8: strings('matchLabelKeys'),
});

export const podResourceClaim: MessageDescriptor = message(`${CORE}PodResourceClaim`, {
  1: str('name'),
  3: optStr('resourceClaimName'),
  4: optStr('resourceClaimTemplateName'),
});

export const podSpec: MessageDescriptor = message(`${CORE}PodSpec`, {
  1: msgs('volumes', () => volume),
  20: msgs('initContainers', () => container),
  2: msgs('containers', () => container),
  34: msgs('ephemeralContainers', () => ephemeralContainer),
  3: str('restartPolicy'),
  4: optInt64('terminationGracePeriodSeconds'),
  5: optInt64('activeDeadlineSeconds'),
  6: str('dnsPolicy'),
  7: stringMap('nodeSelector'),
  8: str('serviceAccountName'),
  9: str('serviceAccount'),
  21: optBool('automountServiceAccountToken'),
  10: str('nodeName'),
  11: bool('hostNetwork'),
  12: bool('hostPID'),
  13: bool('hostIPC'),
  27: optBool('shareProcessNamespace'),
  14: msg('securityContext', () => podSecurityContext),
  15: msgs('imagePullSecrets', () => localObjectReference),
  16: str('hostname'),
  17: str('subdomain'),
  18: msg('affinity', () => affinity),
  19: str('schedulerName'),
  22: msgs('tolerations', () => toleration),
  23: msgs('hostAliases', () => hostAlias),
  24: str('priorityClassName'),
  25: optInt32('priority'),
  26: msg('dnsConfig', () => podDNSConfig),
  28: msgs('readinessGates', () => message(`${CORE}PodReadinessGate`, { 1: str('conditionType') })),
  29: optStr('runtimeClassName'),
  30: optBool('enableServiceLinks'),
  31: optStr('preemptionPolicy'),
  32: quantityMap('overhead'),
  33: msgs('topologySpreadConstraints', () => topologySpreadConstraint),
  35: optBool('setHostnameAsFQDN'),
  36: msg('os', () => message(`${CORE}PodOS`, { 1: str('name') })),
  37: optBool('hostUsers'),
  38: msgs('schedulingGates', () => message(`${CORE}PodSchedulingGate`, { 1: str('name') })),
  39: msgs('resourceClaims', () => podResourceClaim),
  40: msg('resources', () => resourceRequirements),
});

export const podCondition: MessageDescriptor = message(`${CORE}PodCondition`, {
  1: str('type'),
  2: str('status'),
  3: time('lastProbeTime'),
  4: time('lastTransitionTime'),
  5: str('reason'),
  6: str('message'),
});

const ip = (name: string): MessageDescriptor => message(`${CORE}${name}`, { 1: str('ip') });

export const containerStateTerminated: MessageDescriptor = message(`${CORE}ContainerStateTerminated`, {
  1: int32('exitCode'),
  2: int32('signal'),
  3: str('reason'),
  4: str('message'),
  5: time('startedAt'),
  6: time('finishedAt'),
  7: str('containerID'),
});

export const containerState: MessageDescriptor = message(`${CORE}ContainerState`, {
  1: msg('waiting', () => message(`${CORE}ContainerStateWaiting`, { 1: str('reason'), 2: str('message') })),
  2: msg('running', () => message(`${CORE}ContainerStateRunning`, { 1: time('startedAt') })),
  3: msg('terminated', () => containerStateTerminated),
});

export const volumeMountStatus: MessageDescriptor = message(`${CORE}VolumeMountStatus`, {
  1: str('name'),
  2: str('mountPath'),
  3: bool('readOnly'),
  4: optStr('recursiveReadOnly'),
});

export const linuxContainerUser: MessageDescriptor = message(`${CORE}LinuxContainerUser`, {
  1: int64('uid'),
  2: int64('gid'),
  3: int64s('supplementalGroups'),
});

export const resourceStatus: MessageDescriptor = message(`${CORE}ResourceStatus`, {
  1: str('name'),
  2: msgs('resources', () => message(`${CORE}ResourceHealth`, { 1: str('resourceID'), 2: str('health') })),
});

export const containerStatus: MessageDescriptor = message(`${CORE}ContainerStatus`, {
  1: str('name'),
  2: msg('state', () => containerState),
  3: msg('lastState', () => containerState),
  4: bool('ready'),
  5: int32('restartCount'),
  6: str('image'),
  7: str('imageID'),
  8: str('containerID'),
  9: optBool('started'),
  10: quantityMap('allocatedResources'),
  11: msg('resources', () => resourceRequirements),
  12: msgs('volumeMounts', () => volumeMountStatus),
  13: msg('user', () => message(`${CORE}ContainerUser`, { 1: msg('linux', () => linuxContainerUser) })),
  14: msgs('allocatedResourcesStatus', () => resourceStatus),
});

export const podStatus: MessageDescriptor = message(`${CORE}PodStatus`, {
  1: str('phase'),
  2: msgs('conditions', () => podCondition),
  3: str('message'),
  4: str('reason'),
  11: str('nominatedNodeName'),
  5: str('hostIP'),
  16: msgs('hostIPs', () => ip('HostIP')),
  6: str('podIP'),
  12: msgs('podIPs', () => ip('PodIP')),
  7: time('startTime'),
  10: msgs('initContainerStatuses', () => containerStatus),
  8: msgs('containerStatuses', () => containerStatus),
  9: str('qosClass'),
  13: msgs('ephemeralContainerStatuses', () => containerStatus),
  14: str('resize'),
  15: msgs('resourceClaimStatuses', () => message(`${CORE}PodResourceClaimStatus`, { 1: str('name'), 2: optStr('resourceClaimName') })),
});

export const pod: MessageDescriptor = message(`${CORE}Pod`, {
  1: metadataField,
  2: msg('spec', () => podSpec),
  3: msg('status', () => podStatus),
});

export const podTemplateSpec: MessageDescriptor = message(`${CORE}PodTemplateSpec`, {
  1: msg('metadata', () => objectMeta),
  2: msg('spec', () => podSpec),
});
