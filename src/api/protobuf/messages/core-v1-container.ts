/** core/v1 Container and what it holds: ports, env, resources, mounts, probes, lifecycle, security context. */
import {
  bool, inline, int32, int64, int64s, intOrString, message, msg, msgs, optBool, optInt64, optStr, quantity, quantityMap, str, strings,
  type FieldDescriptor, type MessageDescriptor,
} from '../descriptor.ts';

const CORE = 'k8s.io.api.core.v1.';

export const localObjectReference: MessageDescriptor = message(`${CORE}LocalObjectReference`, { 1: str('name') });

export const containerPort: MessageDescriptor = message(`${CORE}ContainerPort`, {
  1: str('name'),
  2: int32('hostPort'),
  3: int32('containerPort'),
  4: str('protocol'),
  5: str('hostIP'),
});

export const objectFieldSelector: MessageDescriptor = message(`${CORE}ObjectFieldSelector`, { 1: str('apiVersion'), 2: str('fieldPath') });

export const resourceFieldSelector: MessageDescriptor = message(`${CORE}ResourceFieldSelector`, {
  1: str('containerName'),
  2: str('resource'),
  3: quantity('divisor'),
});

const keySelector = (name: string): MessageDescriptor =>
  message(`${CORE}${name}`, { 1: inline(() => localObjectReference), 2: str('key'), 3: optBool('optional') });
export const configMapKeySelector: MessageDescriptor = keySelector('ConfigMapKeySelector');
export const secretKeySelector: MessageDescriptor = keySelector('SecretKeySelector');

export const envVarSource: MessageDescriptor = message(`${CORE}EnvVarSource`, {
  1: msg('fieldRef', () => objectFieldSelector),
  2: msg('resourceFieldRef', () => resourceFieldSelector),
  3: msg('configMapKeyRef', () => configMapKeySelector),
  4: msg('secretKeyRef', () => secretKeySelector),
});

export const envVar: MessageDescriptor = message(`${CORE}EnvVar`, { 1: str('name'), 2: str('value'), 3: msg('valueFrom', () => envVarSource) });

const envSource = (name: string): MessageDescriptor => message(`${CORE}${name}`, { 1: inline(() => localObjectReference), 2: optBool('optional') });
export const configMapEnvSource: MessageDescriptor = envSource('ConfigMapEnvSource');
export const secretEnvSource: MessageDescriptor = envSource('SecretEnvSource');

export const envFromSource: MessageDescriptor = message(`${CORE}EnvFromSource`, {
  1: str('prefix'),
  2: msg('configMapRef', () => configMapEnvSource),
  3: msg('secretRef', () => secretEnvSource),
});

export const resourceClaim: MessageDescriptor = message(`${CORE}ResourceClaim`, { 1: str('name'), 2: str('request') });

export const resourceRequirements: MessageDescriptor = message(`${CORE}ResourceRequirements`, {
  1: quantityMap('limits'),
  2: quantityMap('requests'),
  3: msgs('claims', () => resourceClaim),
});

export const containerResizePolicy: MessageDescriptor = message(`${CORE}ContainerResizePolicy`, { 1: str('resourceName'), 2: str('restartPolicy') });

export const volumeMount: MessageDescriptor = message(`${CORE}VolumeMount`, {
  1: str('name'),
  2: bool('readOnly'),
  7: optStr('recursiveReadOnly'),
  3: str('mountPath'),
  4: str('subPath'),
  5: optStr('mountPropagation'),
  6: str('subPathExpr'),
});

export const volumeDevice: MessageDescriptor = message(`${CORE}VolumeDevice`, { 1: str('name'), 2: str('devicePath') });

export const execAction: MessageDescriptor = message(`${CORE}ExecAction`, { 1: strings('command') });
export const httpHeader: MessageDescriptor = message(`${CORE}HTTPHeader`, { 1: str('name'), 2: str('value') });
export const httpGetAction: MessageDescriptor = message(`${CORE}HTTPGetAction`, {
  1: str('path'),
  2: intOrString('port'),
  3: str('host'),
  4: str('scheme'),
  5: msgs('httpHeaders', () => httpHeader),
});
export const tcpSocketAction: MessageDescriptor = message(`${CORE}TCPSocketAction`, { 1: intOrString('port'), 2: str('host') });
export const grpcAction: MessageDescriptor = message(`${CORE}GRPCAction`, { 1: int32('port'), 2: optStr('service') });
export const sleepAction: MessageDescriptor = message(`${CORE}SleepAction`, { 1: int64('seconds') });

export const probeHandler: MessageDescriptor = message(`${CORE}ProbeHandler`, {
  1: msg('exec', () => execAction),
  2: msg('httpGet', () => httpGetAction),
  3: msg('tcpSocket', () => tcpSocketAction),
  4: msg('grpc', () => grpcAction),
});

export const probe: MessageDescriptor = message(`${CORE}Probe`, {
  1: inline(() => probeHandler),
  2: int32('initialDelaySeconds'),
  3: int32('timeoutSeconds'),
  4: int32('periodSeconds'),
  5: int32('successThreshold'),
  6: int32('failureThreshold'),
  7: optInt64('terminationGracePeriodSeconds'),
});

export const lifecycleHandler: MessageDescriptor = message(`${CORE}LifecycleHandler`, {
  1: msg('exec', () => execAction),
  2: msg('httpGet', () => httpGetAction),
  3: msg('tcpSocket', () => tcpSocketAction),
  4: msg('sleep', () => sleepAction),
});

export const lifecycle: MessageDescriptor = message(`${CORE}Lifecycle`, {
  1: msg('postStart', () => lifecycleHandler),
  2: msg('preStop', () => lifecycleHandler),
});

export const capabilities: MessageDescriptor = message(`${CORE}Capabilities`, { 1: strings('add'), 2: strings('drop') });
export const seLinuxOptions: MessageDescriptor = message(`${CORE}SELinuxOptions`, { 1: str('user'), 2: str('role'), 3: str('type'), 4: str('level') });
export const windowsSecurityContextOptions: MessageDescriptor = message(`${CORE}WindowsSecurityContextOptions`, {
  1: optStr('gmsaCredentialSpecName'),
  2: optStr('gmsaCredentialSpec'),
  3: optStr('runAsUserName'),
  4: optBool('hostProcess'),
});
export const seccompProfile: MessageDescriptor = message(`${CORE}SeccompProfile`, { 1: str('type'), 2: optStr('localhostProfile') });
export const appArmorProfile: MessageDescriptor = message(`${CORE}AppArmorProfile`, { 1: str('type'), 2: optStr('localhostProfile') });

export const securityContext: MessageDescriptor = message(`${CORE}SecurityContext`, {
  1: msg('capabilities', () => capabilities),
  2: optBool('privileged'),
  3: msg('seLinuxOptions', () => seLinuxOptions),
  10: msg('windowsOptions', () => windowsSecurityContextOptions),
  4: optInt64('runAsUser'),
  8: optInt64('runAsGroup'),
  5: optBool('runAsNonRoot'),
  6: optBool('readOnlyRootFilesystem'),
  7: optBool('allowPrivilegeEscalation'),
  9: optStr('procMount'),
  11: msg('seccompProfile', () => seccompProfile),
  12: msg('appArmorProfile', () => appArmorProfile),
});

/** The fields Container and EphemeralContainerCommon share (the same numbers in both). */
const containerFields: Readonly<Record<number, FieldDescriptor>> = {
  1: str('name'),
  2: str('image'),
  3: strings('command'),
  4: strings('args'),
  5: str('workingDir'),
  6: msgs('ports', () => containerPort),
  19: msgs('envFrom', () => envFromSource),
  7: msgs('env', () => envVar),
  8: msg('resources', () => resourceRequirements),
  23: msgs('resizePolicy', () => containerResizePolicy),
  24: optStr('restartPolicy'),
  9: msgs('volumeMounts', () => volumeMount),
  21: msgs('volumeDevices', () => volumeDevice),
  10: msg('livenessProbe', () => probe),
  11: msg('readinessProbe', () => probe),
  22: msg('startupProbe', () => probe),
  12: msg('lifecycle', () => lifecycle),
  13: str('terminationMessagePath'),
  20: str('terminationMessagePolicy'),
  14: str('imagePullPolicy'),
  15: msg('securityContext', () => securityContext),
  16: bool('stdin'),
  17: bool('stdinOnce'),
  18: bool('tty'),
};

export const container: MessageDescriptor = message(`${CORE}Container`, containerFields);

export const ephemeralContainerCommon: MessageDescriptor = message(`${CORE}EphemeralContainerCommon`, containerFields);

export const ephemeralContainer: MessageDescriptor = message(`${CORE}EphemeralContainer`, {
  1: inline(() => ephemeralContainerCommon),
  2: str('targetContainerName'),
});

/** Pod security context: the pod-wide identity and kernel settings. */
export const sysctl: MessageDescriptor = message(`${CORE}Sysctl`, { 1: str('name'), 2: str('value') });

export const podSecurityContext: MessageDescriptor = message(`${CORE}PodSecurityContext`, {
  1: msg('seLinuxOptions', () => seLinuxOptions),
  8: msg('windowsOptions', () => windowsSecurityContextOptions),
  2: optInt64('runAsUser'),
  6: optInt64('runAsGroup'),
  3: optBool('runAsNonRoot'),
  4: int64s('supplementalGroups'),
  12: optStr('supplementalGroupsPolicy'),
  5: optInt64('fsGroup'),
  7: msgs('sysctls', () => sysctl),
  9: optStr('fsGroupChangePolicy'),
  10: msg('seccompProfile', () => seccompProfile),
  11: msg('appArmorProfile', () => appArmorProfile),
  13: optStr('seLinuxChangePolicy'),
});
