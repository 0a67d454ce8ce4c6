import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { podSummary, podTableColumns, podTableRow } from './pod-table.ts';

const now = new Date('2024-05-01T12:00:00Z');

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'p', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z', ...meta }, spec, status };
}

const running = { running: { startedAt: '2024-05-01T11:00:00Z' } };

void test('two containers, one ready, three restarts', () => {
  const p = pod(
    { nodeName: 'node-a', containers: [{ name: 'a' }, { name: 'b' }] },
    {
      phase: 'Running',
      podIPs: [{ ip: '10.0.0.7' }],
      containerStatuses: [
        { name: 'a', ready: true, restartCount: 0, state: running },
        { name: 'b', ready: false, restartCount: 3, state: running },
      ],
    },
  );
  const row = podTableRow(p, now);
  assert.equal(row.length, podTableColumns.length);
  assert.deepEqual(row, ['1/2', 'Running', '3', '60m', '10.0.0.7', 'node-a', '<none>', '<none>']);
});

void test('restarts show the age of the last restart', () => {
  const p = pod(
    { containers: [{ name: 'a' }] },
    {
      phase: 'Running',
      containerStatuses: [{ name: 'a', ready: true, restartCount: 2, state: running, lastState: { terminated: { exitCode: 1, finishedAt: '2024-05-01T11:58:00Z' } } }],
    },
  );
  assert.equal(podTableRow(p, now)[2], '2 (2m ago)');
});

void test('a new pod is Pending with 0/N ready', () => {
  assert.deepEqual(podSummary(pod({ containers: [{ name: 'a' }] }, { phase: 'Pending' })), { ready: '0/1', status: 'Pending', restarts: 0, lastRestart: 0 });
});

void test('a waiting or terminated container reason shows as the status', () => {
  const waiting = pod({ containers: [{ name: 'a' }] }, { phase: 'Running', containerStatuses: [{ name: 'a', state: { waiting: { reason: 'CrashLoopBackOff' } }, restartCount: 4 }] });
  assert.equal(podSummary(waiting).status, 'CrashLoopBackOff');
  const done = pod({ containers: [{ name: 'a' }] }, { phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
  assert.equal(podSummary(done).status, 'Completed');
  const killed = pod({ containers: [{ name: 'a' }] }, { phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 137, signal: 9 } } }] });
  assert.equal(podSummary(killed).status, 'Signal:9');
  const exited = pod({ containers: [{ name: 'a' }] }, { phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 2 } } }] });
  assert.equal(podSummary(exited).status, 'ExitCode:2');
});

void test('Completed turns back to Running while another container still runs', () => {
  const p = pod(
    { containers: [{ name: 'a' }, { name: 'b' }] },
    {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'a', ready: true, state: running },
        { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      ],
    },
  );
  assert.equal(podSummary(p).status, 'Running');
});

void test('init containers show progress and failures', () => {
  const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'a' }] };
  const progress = pod(spec, {
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'i1', state: { terminated: { exitCode: 0 } } },
      { name: 'i2', state: { running: {} } },
    ],
  });
  assert.equal(podSummary(progress).status, 'Init:1/2');
  const failing = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] });
  assert.equal(podSummary(failing).status, 'Init:CrashLoopBackOff');
  assert.equal(podSummary(failing).restarts, 2);
});

void test('a deleting pod is Terminating unless it already finished', () => {
  const deleting = pod({ containers: [{ name: 'a' }] }, { phase: 'Running' }, { deletionTimestamp: '2024-05-01T12:00:30Z' });
  assert.equal(podSummary(deleting).status, 'Terminating');
  const finished = pod({ containers: [{ name: 'a' }] }, { phase: 'Succeeded' }, { deletionTimestamp: '2024-05-01T12:00:30Z' });
  assert.equal(podSummary(finished).status, 'Succeeded');
});

void test('readiness gates count satisfied conditions', () => {
  const p = pod({ containers: [], readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] }, { conditions: [{ type: 'a', status: 'True' }] });
  assert.equal(podTableRow(p, now)[7], '1/2');
});

void test('scheduling gates show as SchedulingGated', () => {
  const p = pod({ containers: [{ name: 'a' }] }, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
  assert.equal(podSummary(p).status, 'SchedulingGated');
});
