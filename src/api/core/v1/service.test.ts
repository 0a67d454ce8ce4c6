import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultService, prepareServiceForCreate, prepareServiceForUpdate, validateService, validateServiceName, validateServiceUpdate } from './service.ts';
import { serviceTableColumns, serviceTableRow, servicePortsString } from './service-table.ts';

function svc(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return { metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:59:00Z' }, spec, ...(status ? { status } : {}) };
}

function defaulted(spec: Record<string, unknown>): KubeObject {
  const s = svc(spec);
  defaultService(s);
  return s;
}

function texts(errs: ReturnType<typeof validateService>): string[] {
  return errs.map(formatFieldError);
}

void test('defaults: ClusterIP, None affinity, TCP, targetPort = port, traffic policy, IPv4', () => {
  const s = defaulted({ selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 'https', name: 'b' }] });
  assert.equal(s.spec.type, 'ClusterIP');
  assert.equal(s.spec.sessionAffinity, 'None');
  assert.deepEqual(s.spec.ports[0], { port: 80, protocol: 'TCP', targetPort: 80 });
  assert.equal(s.spec.ports[1].targetPort, 'https');
  assert.equal(s.spec.internalTrafficPolicy, 'Cluster');
  assert.equal(s.spec.externalTrafficPolicy, undefined);
  assert.deepEqual(s.spec.ipFamilies, ['IPv4']);
  assert.equal(s.spec.ipFamilyPolicy, 'SingleStack');
  const np = defaulted({ type: 'NodePort', ports: [{ port: 80 }] });
  assert.equal(np.spec.externalTrafficPolicy, 'Cluster');
  const lb = defaulted({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] });
  assert.equal(lb.spec.allocateLoadBalancerNodePorts, true);
  assert.deepEqual(lb.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
});

void test('a valid service passes; ports are required unless headless or ExternalName', () => {
  assert.deepEqual(validateService(defaulted({ selector: { app: 'web' }, ports: [{ port: 80 }] })), []);
  assert.deepEqual(texts(validateService(defaulted({}))), ['spec.ports: Required value']);
  assert.deepEqual(validateService(defaulted({ clusterIP: 'None', clusterIPs: ['None'] })), []);
  assert.deepEqual(validateService(defaulted({ type: 'ExternalName', externalName: 'db.example.com.' })), []);
  assert.deepEqual(texts(validateService(defaulted({ type: 'ExternalName' }))), ['spec.externalName: Required value']);
});

void test('port rules', () => {
  const errs = texts(validateService(defaulted({ ports: [{ port: 0 }, { port: 80, protocol: 'HTTP', name: 'a' }, { port: 81, name: 'a', nodePort: 30001 }] })));
  assert.deepEqual(errs, [
    'spec.ports[0].name: Required value',
    'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.ports[2].name: Duplicate value: "a"',
    "spec.ports[2].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
  ]);
  assert.deepEqual(texts(validateService(defaulted({ type: 'Bogus', ports: [{ port: 80 }] }))), [
    'spec.type: Unsupported value: "Bogus": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ]);
  assert.deepEqual(texts(validateService(defaulted({ ports: [{ port: 80, targetPort: 'Not-A-Name' }] }))), [
    'spec.ports[0].targetPort: Invalid value: "Not-A-Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
  ]);
});

void test('service names are DNS-1035 labels', () => {
  assert.deepEqual(validateServiceName('web', false), []);
  assert.equal(validateServiceName('1web', false).length, 1);
});

void test('create: status starts with an empty load balancer; clusterIPs follows clusterIP', () => {
  const s = svc({ clusterIP: '10.96.0.10', ports: [{ port: 53 }] }, { loadBalancer: { ingress: [{ ip: '1.1.1.1' }] } });
  prepareServiceForCreate(s);
  assert.deepEqual(s.status, { loadBalancer: {} });
  assert.deepEqual(s.spec.clusterIPs, ['10.96.0.10']);
});

void test('update keeps allocated cluster IPs and node ports the client left out', () => {
  const old = defaulted({ type: 'NodePort', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, nodePort: 30080 }] });
  const next = svc({ type: 'NodePort', ports: [{ port: 80 }] });
  prepareServiceForUpdate(next, old);
  defaultService(next);
  assert.equal(next.spec.clusterIP, '10.96.0.10');
  assert.deepEqual(next.spec.clusterIPs, ['10.96.0.10']);
  assert.equal(next.spec.ports[0].nodePort, 30080);
  assert.deepEqual(validateServiceUpdate(next, old), []);
});

void test('an update keeps each node port by port name, even when the port number changes, unless another port claims it', () => {
  const old = defaulted({ type: 'NodePort', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, nodePort: 30080 }] });
  const renumbered = svc({ type: 'NodePort', ports: [{ port: 81 }] });
  prepareServiceForUpdate(renumbered, old);
  assert.equal(renumbered.spec.ports[0].nodePort, 30080);
  const two = defaulted({ type: 'NodePort', clusterIPs: ['10.96.0.10'], ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'https', port: 443, nodePort: 30443 }] });
  const swapped = svc({ type: 'NodePort', ports: [{ name: 'https', port: 8443 }, { name: 'http', port: 8080, nodePort: 30443 }] });
  prepareServiceForUpdate(swapped, two);
  // http claims https's old node port, so https cannot keep it: it gets a new one on allocation.
  assert.deepEqual(swapped.spec.ports.map((p: { nodePort?: number }) => p.nodePort), [undefined, 30443]);
});

void test('cluster IPs may not change once set', () => {
  const old = defaulted({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80 }] });
  const next = defaulted({ clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'], ports: [{ port: 80 }] });
  assert.deepEqual(texts(validateServiceUpdate(next, old)), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
  const external = defaulted({ type: 'ExternalName', externalName: 'x.example.com' });
  assert.deepEqual(validateServiceUpdate(external, old), []);
});

void test('PORT(S) and the other columns', () => {
  assert.equal(servicePortsString([{ port: 80, protocol: 'TCP' }, { port: 443, nodePort: 30443, protocol: 'TCP' }]), '80/TCP,443:30443/TCP');
  const s = defaulted({ type: 'NodePort', selector: { app: 'web' }, clusterIPs: ['10.96.0.10'], ports: [{ port: 80, nodePort: 30080 }] });
  const row = serviceTableRow(s, new Date('2024-05-01T12:00:00Z'));
  assert.equal(row.length, serviceTableColumns.length);
  assert.deepEqual(row, ['NodePort', '10.96.0.10', '<none>', '80:30080/TCP', '60s', 'app=web']);
  const lb = defaulted({ type: 'LoadBalancer', ports: [{ port: 80 }] });
  assert.equal(serviceTableRow(lb, new Date())[2], '<pending>');
  lb.status = { loadBalancer: { ingress: [{ ip: '203.0.113.5' }] } };
  assert.equal(serviceTableRow(lb, new Date())[2], '203.0.113.5');
  assert.deepEqual(serviceTableRow(defaulted({ clusterIP: 'None', clusterIPs: ['None'] }), new Date()).slice(1, 4), ['None', '<none>', '<none>']);
});
