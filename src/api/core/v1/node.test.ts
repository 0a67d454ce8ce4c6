import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultNode, isCIDR, nodeFieldSelectors, nodeRoles, nodeTableColumns, nodeTableRow, validateNode, validateNodeUpdate } from './node.ts';

function node(spec: Record<string, unknown>, status: Record<string, unknown> = {}, labels: Record<string, string> = {}): KubeObject {
  return { metadata: { name: 'node-a', labels, creationTimestamp: '2024-04-29T09:00:00Z' }, spec, status };
}

void test('defaults keep podCIDR and podCIDRs in step and allocatable from capacity', () => {
  const n = node({ podCIDR: '10.244.1.0/24' }, { capacity: { cpu: '4' } });
  defaultNode(n);
  assert.deepEqual(n.spec.podCIDRs, ['10.244.1.0/24']);
  assert.deepEqual(n.status.allocatable, { cpu: '4' });
});

void test('CIDRs and taints are validated', () => {
  assert.ok(isCIDR('10.0.0.0/8') && isCIDR('fd00::/64') && !isCIDR('10.0.0.0/33') && !isCIDR('10.0.0.0'));
  assert.deepEqual(validateNode(node({ podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'a', effect: 'NoSchedule' }] })), []);
  const errs = validateNode(node({ podCIDRs: ['nope'], taints: [{ key: 'a', effect: 'Never' }, { key: 'b' }] })).map(formatFieldError);
  assert.deepEqual(errs, [
    'spec.podCIDRs[0]: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    'spec.taints[0].effect: Unsupported value: "Never": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"',
    'spec.taints[1].effect: Required value',
  ]);
});

void test('podCIDRs and providerID can be set once', () => {
  const old = node({});
  const set = node({ podCIDRs: ['10.244.1.0/24'], providerID: 'k8ts://node-a' });
  assert.deepEqual(validateNodeUpdate(set, old), []);
  const changed = node({ podCIDRs: ['10.244.2.0/24'], providerID: 'other' });
  assert.deepEqual(validateNodeUpdate(changed, set).map(formatFieldError), [
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
  ]);
});

void test('STATUS, ROLES and the wide columns', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const ready = node(
    { unschedulable: true },
    {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '127.0.1.1' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian', kernelVersion: '6.1', containerRuntimeVersion: 'process://1' },
    },
    { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'worker' },
  );
  const row = nodeTableRow(ready, now);
  assert.equal(row.length, nodeTableColumns.length);
  assert.deepEqual(row, ['Ready,SchedulingDisabled', 'control-plane,worker', '2d3h', 'v1.32.0', '127.0.1.1', '<none>', 'Debian', '6.1', 'process://1']);
  assert.equal(nodeTableRow(node({}, { conditions: [{ type: 'Ready', status: 'Unknown' }] }), now)[0], 'NotReady');
  assert.deepEqual(nodeTableRow(node({}), now).slice(0, 2), ['Unknown', '<none>']);
  assert.deepEqual(nodeRoles({}), []);
  assert.equal(nodeFieldSelectors['spec.unschedulable']!(ready), 'true');
});
