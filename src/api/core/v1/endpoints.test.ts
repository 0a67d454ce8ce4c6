import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultEndpoints, endpointsTableRow, formatEndpoints, validateEndpoints } from './endpoints.ts';

function ep(subsets: unknown[]): KubeObject {
  return { metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' }, subsets };
}

void test('ports default to TCP and a valid object passes', () => {
  const e = ep([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]);
  defaultEndpoints(e);
  assert.equal((e.subsets as any)[0].ports[0].protocol, 'TCP');
  assert.deepEqual(validateEndpoints(e), []);
});

void test('subsets need addresses, valid IPs and named ports when several', () => {
  const errs = validateEndpoints(ep([{ ports: [{ port: 80, protocol: 'TCP' }] }, { addresses: [{ ip: 'x' }], ports: [{ port: 0, protocol: 'TCP' }, { port: 81, protocol: 'TCP' }] }])).map(formatFieldError);
  assert.deepEqual(errs, [
    'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
    'subsets[1].addresses[0].ip: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'subsets[1].ports[0].name: Required value',
    'subsets[1].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'subsets[1].ports[1].name: Required value',
  ]);
});

void test('ENDPOINTS shows up to three ip:port pairs', () => {
  assert.equal(formatEndpoints(ep([])), '<none>');
  const many = ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }]);
  assert.equal(formatEndpoints(many), '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...');
  assert.equal(formatEndpoints(ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }])), '[fd00::1]:80');
  assert.equal(formatEndpoints(ep([{ addresses: [{ ip: '10.0.0.1' }] }])), '10.0.0.1');
  assert.deepEqual(endpointsTableRow(many, new Date('2024-05-01T12:00:00Z'))[1], '60m');
});
