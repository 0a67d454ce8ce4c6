import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { backendsFromEndpoints, backendsFromSlices } from './service-backends.ts';

function slice(endpoints: unknown[], ports: unknown[] = [{ name: 'http', port: 8080, protocol: 'TCP' }]): KubeObject {
  return { metadata: { name: 's' }, addressType: 'IPv4', endpoints, ports };
}

void test('ready endpoints of the named port, an absent condition counting as ready, deduplicated and sorted', () => {
  const slices = [
    slice([{ addresses: ['127.21.1.2'], conditions: { ready: true }, nodeName: 'n1' }, { addresses: ['127.21.1.1'] }]),
    slice([{ addresses: ['127.21.1.2'], conditions: { ready: true } }, { addresses: ['127.21.1.3'], conditions: { ready: false } }]),
    slice([{ addresses: ['127.21.1.9'] }], [{ name: 'other', port: 9, protocol: 'TCP' }]),
  ];
  assert.deepEqual(backendsFromSlices(slices, 'http'), [
    { ip: '127.21.1.1', port: 8080, nodeName: '' },
    { ip: '127.21.1.2', port: 8080, nodeName: 'n1' },
  ]);
  assert.deepEqual(backendsFromSlices(slices, 'http', 'UDP'), []);
  assert.deepEqual(backendsFromSlices(slices, 'missing'), []);
});

void test('without ready endpoints, serving terminating ones take the traffic', () => {
  const slices = [
    slice([
      { addresses: ['127.21.1.1'], conditions: { ready: false, serving: true, terminating: true } },
      { addresses: ['127.21.1.2'], conditions: { ready: false, serving: false, terminating: true } },
    ]),
  ];
  assert.deepEqual(backendsFromSlices(slices, 'http').map((b) => b.ip), ['127.21.1.1']);
  slices.push(slice([{ addresses: ['127.21.1.5'], conditions: { ready: true } }]));
  assert.deepEqual(backendsFromSlices(slices, 'http').map((b) => b.ip), ['127.21.1.5']);
});

void test('Endpoints objects: ready addresses of the named port', () => {
  const ep = {
    metadata: { name: 'web' },
    subsets: [
      { addresses: [{ ip: '127.21.1.2' }], notReadyAddresses: [{ ip: '127.21.1.3' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addresses: [{ ip: '127.21.1.4' }], ports: [{ name: 'metrics', port: 9090 }] },
    ],
  } as KubeObject;
  assert.deepEqual(backendsFromEndpoints(ep, 'http'), [{ ip: '127.21.1.2', port: 8080, nodeName: '' }]);
  assert.deepEqual(backendsFromEndpoints(ep, 'metrics').map((b) => b.port), [9090]);
});
