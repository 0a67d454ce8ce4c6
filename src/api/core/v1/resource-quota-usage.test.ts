import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatQuantity, parseQuantity } from '../../meta/quantity.ts';
import { quotaSelectsPod, quotaStatus } from './resource-quota-usage.ts';

function pod(name: string, spec: Record<string, unknown>, phase = 'Running'): KubeObject {
  return { metadata: { name, namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec }, status: { phase } };
}

const requesting = (cpu: string, memory: string): Record<string, unknown> => ({ containers: [{ name: 'c', image: 'i', resources: { requests: { cpu, memory } } }] });

void test('usage of pods, cpu and memory; finished pods and untracked resources are left out', () => {
  const quota: KubeObject = { metadata: { name: 'q' }, spec: { hard: { pods: '5', cpu: '2', memory: '1Gi', 'limits.cpu': '4', secrets: '3' } } };
  const pods = [
    pod('a', requesting('500m', '100Mi')),
    pod('b', {
      ...requesting('1', '28Mi'),
      initContainers: [{ name: 'init', image: 'i', resources: { requests: { cpu: '2' } } }, { name: 'side', image: 'i', restartPolicy: 'Always', resources: { limits: { cpu: '100m' } } }],
    }),
    pod('done', requesting('8', '8Gi'), 'Failed'),
  ];
  // b: containers 1 + sidecar 100m (its request defaults to its limit) vs init 2 → 2 cpu.
  assert.deepEqual(quotaStatus(quota, pods), {
    hard: { pods: '5', cpu: '2', memory: '1Gi', 'limits.cpu': '4', secrets: '3' },
    used: { pods: '2', cpu: '2500m', memory: '128Mi', 'limits.cpu': '100m' },
  });
});

void test('scopes and the PriorityClass scope selector select pods', () => {
  const bestEffort = pod('be', {});
  const burstable = pod('bu', { ...requesting('100m', '1Mi'), priorityClassName: 'high', activeDeadlineSeconds: 30 });
  const scoped = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'q' }, spec });
  assert.equal(quotaSelectsPod(scoped({ scopes: ['BestEffort'] }), bestEffort), true);
  assert.equal(quotaSelectsPod(scoped({ scopes: ['BestEffort'] }), burstable), false);
  assert.equal(quotaSelectsPod(scoped({ scopes: ['NotBestEffort', 'Terminating'] }), burstable), true);
  assert.equal(quotaSelectsPod(scoped({ scopes: ['NotTerminating'] }), burstable), false);
  const high = scoped({ scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } });
  assert.equal(quotaSelectsPod(high, burstable), true);
  assert.equal(quotaSelectsPod(high, bestEffort), false);
});

void test('quantities are printed the way Kubernetes prints sums', () => {
  const f = (s: string, binary: boolean): string => formatQuantity(parseQuantity(s)!, binary);
  assert.equal(f('1500m', false), '1500m');
  assert.equal(f('2', false), '2');
  assert.equal(f('192Mi', true), '192Mi');
  assert.equal(f('1G', true), '1G');
  assert.equal(f('0', true), '0');
});
