import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeInfo } from './framework/node-info.ts';
import { nodeChanges } from './informer-handlers.ts';
import { makeNode } from './testing.ts';

test('nodeChanges() names the scheduling-relevant changes of a node update, and none for a heartbeat', () => {
  const base = makeNode('n', { labels: { a: '1' } });
  const info = (node: ReturnType<typeof makeNode>) => new NodeInfo('n', node);
  const heartbeat = { ...base, status: { ...base.status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2025-01-01T00:00:10Z' }] } };
  assert.deepEqual(nodeChanges(info(base), info(heartbeat)), []);
  assert.deepEqual(nodeChanges(info(base), info(makeNode('n', { labels: { a: '2' } }))), ['NodeLabelChange']);
  assert.deepEqual(nodeChanges(info(base), info(makeNode('n', { labels: { a: '1' }, taints: [{ key: 't', effect: 'NoSchedule' }] }))), ['NodeTaintChange']);
  assert.deepEqual(nodeChanges(info(base), info(makeNode('n', { labels: { a: '1' }, cpu: '8' }))), ['NodeAllocatableChange']);
  assert.deepEqual(nodeChanges(info(base), info(makeNode('n', { labels: { a: '1' }, ready: 'False' }))), ['NodeConditionChange']);
  assert.deepEqual(nodeChanges(info(base), info(makeNode('n', { labels: { a: '1' }, unschedulable: true }))), ['NodeSpecUnschedulableChange']);
});
