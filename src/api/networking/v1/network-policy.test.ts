import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { ingressClassTableRow, validateIngressClass, validateIngressClassUpdate } from './ingress-class.ts';
import { defaultNetworkPolicy, networkPolicyTableRow, validateNetworkPolicy } from './network-policy.ts';

const NOW = new Date('2024-05-01T12:00:00Z');
const meta = { name: 'np', namespace: 'default', creationTimestamp: '2024-05-01T11:59:00Z' };

void test('network policies default port protocols and policy types', () => {
  const egress: KubeObject = { metadata: meta, spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } };
  defaultNetworkPolicy(egress);
  assert.deepEqual(egress.spec, { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }], policyTypes: ['Ingress', 'Egress'] });
  const ingressOnly: KubeObject = { metadata: meta, spec: { podSelector: { matchLabels: { app: 'web' } } } };
  defaultNetworkPolicy(ingressOnly);
  assert.deepEqual(ingressOnly.spec.policyTypes, ['Ingress']);
  assert.deepEqual(validateNetworkPolicy(egress), []);
  assert.deepEqual(networkPolicyTableRow(ingressOnly, NOW), ['app=web', '60s']);
  assert.deepEqual(networkPolicyTableRow(egress, NOW), ['<none>', '60s']);
});

void test('network policy peers, ports and types are validated', () => {
  const bad: KubeObject = {
    metadata: meta,
    spec: {
      podSelector: {},
      ingress: [{ from: [{}, { ipBlock: { cidr: 'nope' } }, { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }], ports: [{ protocol: 'ICMP', port: 80, endPort: 70 }] }],
      policyTypes: ['Sideways'],
    },
  };
  assert.deepEqual(validateNetworkPolicy(bad).map(formatFieldError), [
    'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    'spec.ingress[0].ports[0].endPort: Invalid value: 70: must be greater than or equal to `port`',
    'spec.ingress[0].from[0]: Required value: must specify a peer',
    'spec.ingress[0].from[1].ipBlock.cidr: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    'spec.ingress[0].from[2]: Invalid value: {"ipBlock":{"cidr":"10.0.0.0/8"},"podSelector":{}}: may not specify both ipBlock and another peer',
    'spec.policyTypes[0]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
  ]);
  assert.deepEqual(validateNetworkPolicy({ metadata: meta }).map(formatFieldError), ['spec: Required value']);
});

void test('ingress classes need a domain-prefixed, immutable controller', () => {
  const cls: KubeObject = { metadata: { name: 'nginx', creationTimestamp: '2024-05-01T11:00:00Z' }, spec: { controller: 'k8s.io/ingress-nginx' } };
  assert.deepEqual(validateIngressClass(cls), []);
  assert.deepEqual(validateIngressClass({ metadata: { name: 'x' }, spec: {} }).map(formatFieldError), ['spec.controller: Required value']);
  assert.deepEqual(validateIngressClass({ metadata: { name: 'x' }, spec: { controller: 'nginx' } }).map(formatFieldError), [
    'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
  ]);
  const changed = { ...cls, spec: { controller: 'example.com/other' } };
  assert.deepEqual(validateIngressClassUpdate(changed, cls).map(formatFieldError), ['spec.controller: Invalid value: "example.com/other": field is immutable']);
  const scoped = { ...cls, spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'Params', name: 'p', scope: 'Namespace' } } };
  assert.deepEqual(validateIngressClass(scoped).map(formatFieldError), ['spec.parameters.namespace: Required value: `parameters.scope` is set to "Namespace"']);
  assert.deepEqual(ingressClassTableRow(scoped, NOW), ['k8s.io/ingress-nginx', 'k8s.example.com/Params/p', '60m']);
  assert.deepEqual(ingressClassTableRow(cls, NOW), ['k8s.io/ingress-nginx', '<none>', '60m']);
});
