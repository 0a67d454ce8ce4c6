import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/meta/types.ts';
import { proxiedPorts, slicesByService } from './service-ports.ts';

function svc(name: string, spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return { metadata: { name, namespace: 'default' }, spec: { type: 'ClusterIP', ...spec }, ...extra };
}

const slices = slicesByService([
  {
    metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [{ addresses: ['127.21.1.1'], nodeName: 'n1' }, { addresses: ['127.21.1.2'], conditions: { ready: false } }],
  },
]);

void test('a ClusterIP service port listens on its ClusterIP with the ready endpoints of the same port name', () => {
  const ports = proxiedPorts([svc('web', { clusterIP: '127.11.1.5', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] })], slices, '127.10.1.2');
  assert.deepEqual(ports, [
    {
      key: 'default/web:http',
      namespace: 'default',
      service: 'web',
      portName: 'http',
      listen: [{ address: '127.11.1.5', port: 80, scope: 'cluster', nodeLocal: false }],
      affinityTimeoutMs: undefined,
      backends: [{ ip: '127.21.1.1', port: 8080, nodeName: 'n1' }],
    },
  ]);
});

void test('NodePorts listen on the node address; Local traffic policy marks NodePort and external listeners node-local', () => {
  const [port] = proxiedPorts(
    [
      svc('web', {
        type: 'NodePort',
        clusterIP: '127.11.1.5',
        externalIPs: ['127.12.0.9'],
        externalTrafficPolicy: 'Local',
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 30 } },
        ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }],
      }),
    ],
    slices,
    '127.10.1.2',
  );
  assert.deepEqual(port!.listen, [
    { address: '127.11.1.5', port: 80, scope: 'cluster', nodeLocal: false },
    { address: '127.12.0.9', port: 80, scope: 'cluster', nodeLocal: true },
    { address: '127.10.1.2', port: 30080, scope: 'node', nodeLocal: true },
  ]);
  assert.equal(port!.affinityTimeoutMs, 30_000);
});

void test('headless, ExternalName, other proxies\' services and non-TCP ports are not served', () => {
  const ports = proxiedPorts(
    [
      svc('headless', { clusterIP: 'None', ports: [{ port: 80, protocol: 'TCP' }] }),
      svc('ext', { type: 'ExternalName', externalName: 'example.com' }),
      svc('mine', { clusterIP: '127.11.1.6', ports: [{ port: 80, protocol: 'TCP' }] }, { metadata: { name: 'mine', namespace: 'default', labels: { 'service.kubernetes.io/service-proxy-name': 'other' } } }),
      svc('dns', { clusterIP: '127.11.1.7', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }),
    ],
    slices,
    '127.10.1.2',
  );
  assert.deepEqual(ports.map((p) => p.key), ['default/dns:dns-tcp']);
  assert.equal(proxiedPorts([svc('web', { sessionAffinity: 'ClientIP', clusterIP: '127.11.1.5', ports: [{ port: 80 }] })], slices, '')[0]!.affinityTimeoutMs, 10_800_000);
});
