/** core/v1 kinds besides Pod: Namespace, ConfigMap, Secret, Service, ServiceAccount. */
import {
  bool, bytesMap, int32, intOrString, message, msg, msgs, optBool, optInt32, optStr, str, stringMap, strings, time,
  type MessageDescriptor,
} from '../descriptor.ts';
import { localObjectReference } from './core-v1-container.ts';
import { condition, metadataField } from './meta-v1.ts';

const CORE = 'k8s.io.api.core.v1.';

export const objectReference: MessageDescriptor = message(`${CORE}ObjectReference`, {
  1: str('kind'),
  2: str('namespace'),
  3: str('name'),
  4: str('uid'),
  5: str('apiVersion'),
  6: str('resourceVersion'),
  7: str('fieldPath'),
});

export const namespaceCondition: MessageDescriptor = message(`${CORE}NamespaceCondition`, {
  1: str('type'),
  2: str('status'),
  4: time('lastTransitionTime'),
  5: str('reason'),
  6: str('message'),
});

export const namespace: MessageDescriptor = message(`${CORE}Namespace`, {
  1: metadataField,
  2: msg('spec', () => message(`${CORE}NamespaceSpec`, { 1: strings('finalizers') })),
  3: msg('status', () => message(`${CORE}NamespaceStatus`, { 1: str('phase'), 2: msgs('conditions', () => namespaceCondition) })),
});

export const configMap: MessageDescriptor = message(`${CORE}ConfigMap`, {
  1: metadataField,
  4: optBool('immutable'),
  2: stringMap('data'),
  3: bytesMap('binaryData'),
});

export const secret: MessageDescriptor = message(`${CORE}Secret`, {
  1: metadataField,
  5: optBool('immutable'),
  2: bytesMap('data'),
  4: stringMap('stringData'),
  3: str('type'),
});

export const servicePort: MessageDescriptor = message(`${CORE}ServicePort`, {
  1: str('name'),
  2: str('protocol'),
  6: optStr('appProtocol'),
  3: int32('port'),
  4: intOrString('targetPort'),
  5: int32('nodePort'),
});

export const sessionAffinityConfig: MessageDescriptor = message(`${CORE}SessionAffinityConfig`, {
  1: msg('clientIP', () => message(`${CORE}ClientIPConfig`, { 1: optInt32('timeoutSeconds') })),
});

export const serviceSpec: MessageDescriptor = message(`${CORE}ServiceSpec`, {
  1: msgs('ports', () => servicePort),
  2: stringMap('selector'),
  3: str('clusterIP'),
  18: strings('clusterIPs'),
  4: str('type'),
  5: strings('externalIPs'),
  7: str('sessionAffinity'),
  8: str('loadBalancerIP'),
  9: strings('loadBalancerSourceRanges'),
  10: str('externalName'),
  11: str('externalTrafficPolicy'),
  12: int32('healthCheckNodePort'),
  13: bool('publishNotReadyAddresses'),
  14: msg('sessionAffinityConfig', () => sessionAffinityConfig),
  19: strings('ipFamilies'),
  17: optStr('ipFamilyPolicy'),
  20: optBool('allocateLoadBalancerNodePorts'),
  21: optStr('loadBalancerClass'),
  22: optStr('internalTrafficPolicy'),
  23: optStr('trafficDistribution'),
});

export const portStatus: MessageDescriptor = message(`${CORE}PortStatus`, { 1: int32('port'), 2: str('protocol'), 3: optStr('error') });

export const loadBalancerIngress: MessageDescriptor = message(`${CORE}LoadBalancerIngress`, {
  1: str('ip'),
  2: str('hostname'),
  3: optStr('ipMode'),
  4: msgs('ports', () => portStatus),
});

export const service: MessageDescriptor = message(`${CORE}Service`, {
  1: metadataField,
  2: msg('spec', () => serviceSpec),
  3: msg(
    'status',
    () =>
      message(`${CORE}ServiceStatus`, {
        1: msg('loadBalancer', () => message(`${CORE}LoadBalancerStatus`, { 1: msgs('ingress', () => loadBalancerIngress) })),
        2: msgs('conditions', () => condition),
      }),
  ),
});

export const serviceAccount: MessageDescriptor = message(`${CORE}ServiceAccount`, {
  1: metadataField,
  2: msgs('secrets', () => objectReference),
  3: msgs('imagePullSecrets', () => localObjectReference),
  4: optBool('automountServiceAccountToken'),
});
