import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultEndpointSlice, endpointSliceTableRow, validateEndpointSlice, validateEndpointSliceUpdate } from './endpoint-slice.ts';

function slice(extra: Record<string, unknown>): KubeObject {
  const s: KubeObject = { metadata: { name: 'web-abc', namespace: 'default', creationTimestamp: '2024-05-01T11:59:00Z' }, ...extra };
  defaultEndpointSlice(s);
  return s;
}

void test('addresses must match the address type; ports are unique by name', () => {
  const ok = slice({ addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] });
  assert.deepEqual(validateEndpointSlice(ok), []);
  assert.deepEqual((ok.ports as any)[0], { port: 80, protocol: 'TCP', name: '' });
  const bad = slice({ addressType: 'IPv6', endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: [] }], ports: [{ port: 80 }, { port: 81 }] });
  assert.deepEqual(validateEndpointSlice(bad).map(formatFieldError), [
    'endpoints[0].addresses[0]: Invalid value: "10.0.0.1": must be a valid IPv6 address',
    'endpoints[1].addresses: Required value: must contain at least 1 address',
    'ports[1].name: Duplicate value: ""',
  ]);
  assert.deepEqual(validateEndpointSlice(slice({})).map(formatFieldError), ['addressType: Required value']);
});

void test('the address type is immutable', () => {
  const old = slice({ addressType: 'IPv4' });
  assert.deepEqual(validateEndpointSliceUpdate(slice({ addressType: 'FQDN' }), old).map(formatFieldError), ['addressType: Invalid value: "FQDN": field is immutable']);
});

void test('PORTS and ENDPOINTS show up to three', () => {
  const s = slice({
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3', '10.0.0.4'] }],
    ports: [{ port: 80 }, { name: 'dns' }],
  });
  assert.deepEqual(endpointSliceTableRow(s, new Date('2024-05-01T12:00:00Z')), ['IPv4', '80,dns', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '60s']);
  assert.deepEqual(endpointSliceTableRow(slice({ addressType: 'IPv4' }), new Date()).slice(1, 3), ['<unset>', '<unset>']);
});
