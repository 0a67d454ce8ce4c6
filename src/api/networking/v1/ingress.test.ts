import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError, toStatusCauses } from '../../validation/field-errors.ts';
import { ingressTableRow, validateIngress } from './ingress.ts';

const NOW = new Date('2024-05-01T12:00:00Z');

function ingress(spec: unknown, extra: Partial<KubeObject> = {}): KubeObject {
  return { metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' }, spec, ...extra };
}

const backend = { service: { name: 'svc1', port: { number: 8080 } } };

void test('a rule with an exact path to a service port is valid', () => {
  assert.deepEqual(validateIngress(ingress({ rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Exact', backend }] } }] })), []);
  assert.deepEqual(validateIngress(ingress({ defaultBackend: backend })), []);
  assert.deepEqual(validateIngress(ingress({ rules: [{ host: '*.foo.com', http: { paths: [{ pathType: 'ImplementationSpecific', backend }] } }] })), []);
});

void test('required fields are refused with field causes, as upstream', () => {
  const errs = validateIngress(ingress({}));
  assert.deepEqual(errs.map(formatFieldError), ['spec: Invalid value: null: either `defaultBackend` or `rules` must be specified']);
  const paths = validateIngress(ingress({ rules: [{ host: 'foo.com', http: { paths: [{ path: 'bar', backend: { service: { name: 'svc1' } } }, { path: 'bar', pathType: 'Prefix', backend: {} }] } }] }));
  assert.deepEqual(paths.map(formatFieldError), [
    'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
    'spec.rules[0].http.paths[0].backend.service.port: Required value: port name or number is required',
    'spec.rules[0].http.paths[1].path: Invalid value: "bar": must be an absolute path',
    'spec.rules[0].http.paths[1].backend: Invalid value: "": resource or service backend is required',
  ]);
  assert.deepEqual(toStatusCauses(paths).map((c) => c.field), [
    'spec.rules[0].http.paths[0].pathType',
    'spec.rules[0].http.paths[0].backend.service.port',
    'spec.rules[0].http.paths[1].path',
    'spec.rules[0].http.paths[1].backend',
  ]);
  assert.deepEqual(validateIngress(ingress({ rules: [{ host: 'foo.com', http: {} }] })).map(formatFieldError), ['spec.rules[0].http.paths: Required value']);
});

void test('hosts, backends and class names are checked', () => {
  const errs = validateIngress(
    ingress({
      ingressClassName: 'Bad_Class',
      rules: [{ host: '10.0.0.1', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'svc', port: { name: 'http', number: 80 } }, resource: { kind: 'Bucket', name: 'b' } } }] } }],
      tls: [{ hosts: ['*'] }],
    }),
  );
  assert.deepEqual(
    errs.map((e) => e.field),
    ['spec.rules[0].host', 'spec.rules[0].http.paths[0].backend', 'spec.tls[0].hosts[0]', 'spec.ingressClassName'],
  );
  assert.match(formatFieldError(errs[0]!), /must be a DNS name, not an IP address/);
  assert.match(formatFieldError(errs[1]!), /cannot set both resource and service backends/);
});

void test('CLASS, HOSTS, ADDRESS and PORTS cells', () => {
  const rules = ['a.com', 'b.com', '', 'd.com'].map((host) => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }));
  const obj = ingress({ ingressClassName: 'nginx', rules, tls: [{ hosts: ['a.com'] }] }, { status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }, { hostname: 'lb.example.com' }] } } });
  assert.deepEqual(ingressTableRow(obj, NOW), ['nginx', 'a.com,b.com,* + 1 more...', '10.0.0.1,lb.e...', '80, 443', '60m']);
  const annotated = ingress({ defaultBackend: backend }, {});
  annotated.metadata.annotations = { 'kubernetes.io/ingress.class': 'traefik' };
  assert.deepEqual(ingressTableRow(annotated, NOW), ['traefik', '*', '', '80', '60m']);
  assert.deepEqual(ingressTableRow(ingress({ defaultBackend: backend }), NOW)[0], '<none>');
});
