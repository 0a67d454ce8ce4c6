/** networking.k8s.io/v1 Ingress (`kubectl create ingress`). */
import { int32, message, msg, msgs, optStr, inline, str, strings, type MessageDescriptor } from '../descriptor.ts';
import { metadataField } from './meta-v1.ts';

const NET = 'k8s.io.api.networking.v1.';

export const typedLocalObjectReference: MessageDescriptor = message('k8s.io.api.core.v1.TypedLocalObjectReference', {
  1: optStr('apiGroup'),
  2: str('kind'),
  3: str('name'),
});

export const serviceBackendPort: MessageDescriptor = message(`${NET}ServiceBackendPort`, { 1: str('name'), 2: int32('number') });

export const ingressServiceBackend: MessageDescriptor = message(`${NET}IngressServiceBackend`, {
  1: str('name'),
  2: msg('port', () => serviceBackendPort),
});

export const ingressBackend: MessageDescriptor = message(`${NET}IngressBackend`, {
  4: msg('service', () => ingressServiceBackend),
  3: msg('resource', () => typedLocalObjectReference),
});

export const httpIngressPath: MessageDescriptor = message(`${NET}HTTPIngressPath`, {
  1: str('path'),
  3: optStr('pathType'),
  2: msg('backend', () => ingressBackend),
});

export const ingressRuleValue: MessageDescriptor = message(`${NET}IngressRuleValue`, {
  1: msg('http', () => message(`${NET}HTTPIngressRuleValue`, { 1: msgs('paths', () => httpIngressPath) })),
});

export const ingressRule: MessageDescriptor = message(`${NET}IngressRule`, {
  1: str('host'),
  2: inline(() => ingressRuleValue),
});

export const ingressTLS: MessageDescriptor = message(`${NET}IngressTLS`, { 1: strings('hosts'), 2: str('secretName') });

export const ingressSpec: MessageDescriptor = message(`${NET}IngressSpec`, {
  4: optStr('ingressClassName'),
  1: msg('defaultBackend', () => ingressBackend),
  2: msgs('tls', () => ingressTLS),
  3: msgs('rules', () => ingressRule),
});

export const ingressPortStatus: MessageDescriptor = message(`${NET}IngressPortStatus`, { 1: int32('port'), 2: str('protocol'), 3: optStr('error') });

export const ingressLoadBalancerIngress: MessageDescriptor = message(`${NET}IngressLoadBalancerIngress`, {
  1: str('ip'),
  2: str('hostname'),
  4: msgs('ports', () => ingressPortStatus),
});

export const ingressStatus: MessageDescriptor = message(`${NET}IngressStatus`, {
  1: msg('loadBalancer', () => message(`${NET}IngressLoadBalancerStatus`, { 1: msgs('ingress', () => ingressLoadBalancerIngress) })),
});

export const ingress: MessageDescriptor = message(`${NET}Ingress`, {
  1: metadataField,
  2: msg('spec', () => ingressSpec),
  3: msg('status', () => ingressStatus),
});
