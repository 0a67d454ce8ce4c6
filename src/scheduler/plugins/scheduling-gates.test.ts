import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPodInfo } from '../framework/pod-info.ts';
import { makePod } from '../testing.ts';
import { newSchedulingGates } from './scheduling-gates.ts';

test('SchedulingGates holds pods back until every gate is removed', () => {
  const plugin = newSchedulingGates();
  const gated = newPodInfo(makePod('g', { spec: { schedulingGates: [{ name: 'example.com/quota' }, { name: 'example.com/data' }] } }));
  assert.deepEqual(plugin.preEnqueue(gated)?.reasons, ['waiting for scheduling gates: [example.com/quota example.com/data]']);
  assert.equal(plugin.preEnqueue(newPodInfo(makePod('free'))), null);
});
